package io.rebill.budgets.internal;

import io.rebill.budgets.Channel;
import io.rebill.shared.sql.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends the recorded deliveries in the background, never on a request's or a bill run's thread. A failed attempt is
 * retried after {@code retryBase} x 2^(attempts - 1) (exponential backoff), and after {@code maxAttempts} attempts
 * the delivery is failed for good with the last reason, which the Notifications page shows.
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final SqlStatements SQL = BudgetFigures.SQL;

    private final JdbcClient jdbc;
    private final Senders senders;
    private final Duration retryBase;
    private final int maxAttempts;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("notifications").factory());

    public DeliveryWorker(JdbcClient jdbc, Senders senders, Duration poll, Duration retryBase, int maxAttempts) {
        this.jdbc = jdbc;
        this.senders = senders;
        this.retryBase = retryBase;
        this.maxAttempts = maxAttempts;
        executor.scheduleWithFixedDelay(this::safely, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends what is due now rather than at the next poll. */
    public void wake() {
        executor.execute(this::safely);
    }

    record Due(UUID id, UUID account, UUID channel, String subject, String body, int attempts) {
    }

    private void safely() {
        try {
            List<Due> due;
            do {
                due = jdbc.sql(SQL.get("claim-due")).param("leaseSeconds", 300)
                        .query((rs, i) -> new Due(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class),
                                rs.getObject("channel_id", UUID.class), rs.getString("subject"), rs.getString("body"),
                                rs.getInt("attempts"))).list();
                due.forEach(this::deliver);
            } while (!due.isEmpty());
        } catch (RuntimeException e) {
            log.error("Sending notifications failed; retrying at the next poll", e);
        }
    }

    private void deliver(Due d) {
        Optional<Channel> channel = jdbc.sql(SQL.get("channel")).param("account", d.account()).param("id", d.channel())
                .query(Channels::channel).optional();
        if (channel.isEmpty()) {
            return; // deleted meanwhile: its deliveries went with it
        }
        try {
            senders.send(channel.get(), d.subject(), d.body());
            jdbc.sql(SQL.get("delivered")).param("account", d.account()).param("id", d.id()).update();
        } catch (Senders.SendFailed e) {
            long retry = retryBase.toMillis() << Math.min(d.attempts(), 20);
            log.info("Notification {} to channel {} failed (attempt {} of {}): {}", d.id(), d.channel(),
                    d.attempts() + 1, maxAttempts, e.getMessage());
            jdbc.sql(SQL.get("attempt-failed")).param("account", d.account()).param("id", d.id())
                    .param("error", e.getMessage()).param("maxAttempts", maxAttempts)
                    .param("retrySeconds", retry / 1000.0).update();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
