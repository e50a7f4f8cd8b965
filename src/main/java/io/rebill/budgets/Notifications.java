package io.rebill.budgets;

import io.rebill.budgets.internal.AccountScope;
import io.rebill.budgets.internal.Channels;
import io.rebill.budgets.internal.DeliveryWorker;
import io.rebill.budgets.internal.WebhookPolicy;
import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Notification channels of an account (email, Slack and Microsoft Teams incoming webhooks), configured inside the
 * account and scoped to it, the deliveries made to them (with the reason of a failed one) and the account's cost
 * anomalies. Reading and changing follow the budgets' rules ({@link AccountScope}).
 */
public final class Notifications implements AutoCloseable {
    private static final SqlStatements SQL = SqlStatements.load(Notifications.class, "/io/rebill/budgets/budgets.sql");
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final WebhookPolicy policy;
    private final DeliveryWorker worker;

    /**
     * How deliveries are made: http webhooks to loopback only when allowed (tests), the worker's poll, the first
     * retry's wait (doubled at each further attempt) and the attempts before a delivery fails for good.
     */
    public record Settings(boolean allowHttpLoopback, java.time.Duration poll, java.time.Duration retryBase,
                           int maxAttempts) {
        public Settings {
            if (maxAttempts < 1 || maxAttempts > 20) {
                throw new IllegalArgumentException("rebill.notifications.max-attempts must be 1 to 20");
            }
        }
    }

    /** Starts the delivery worker; {@code mail} and {@code from} are the SMTP server and sender of emails. */
    public Notifications(JdbcClient jdbc, AuditLog audit, org.springframework.mail.javamail.JavaMailSender mail,
                         String from, Settings settings) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.policy = new WebhookPolicy(settings.allowHttpLoopback());
        this.worker = new DeliveryWorker(jdbc, new io.rebill.budgets.internal.Senders(mail, from, policy),
                settings.poll(), settings.retryBase(), settings.maxAttempts());
    }

    @Override
    public void close() {
        worker.close();
    }

    public List<Channel> channels(Actor actor) {
        AccountScope scope = AccountScope.reading(actor);
        return jdbc.sql(SQL.get("channels")).param("account", scope.account()).query(Channels::channel).list();
    }

    public Channel channel(Actor actor, UUID id) {
        AccountScope scope = AccountScope.reading(actor);
        return find(scope, id);
    }

    public Channel create(Actor actor, NewChannel request) {
        AccountScope scope = AccountScope.changing(actor);
        switch (request.kind()) {
            case EMAIL -> policy.checkEmail(request.target());
            case SLACK, TEAMS -> policy.checkWebhook(request.target());
        }
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql(SQL.get("insert-channel")).param("id", id).param("account", scope.account())
                    .param("name", request.name()).param("kind", request.kind().key()).param("target", request.target())
                    .param("budgetAlerts", request.budgetAlerts()).param("anomalyAlerts", request.anomalyAlerts())
                    .param("createdBy", actor.createdBy()).update();
        } catch (DuplicateKeyException e) {
            throw new RebillException(ErrorCode.DUPLICATE, "this account already has a channel named '"
                    + request.name() + "'");
        }
        audit.record(actor, "notification_channel.create", id.toString(), Map.of("name", request.name(),
                "kind", request.kind().key(), "account", actor.account().name()));
        return find(scope, id);
    }

    /**
     * Changes a channel's name, switches and target. Its kind stays (a Slack channel does not become an email); a
     * blank target keeps the one saved, so a webhook URL, a secret that is never shown again, need not be typed
     * again to rename a channel. Deliveries not sent yet go to the channel as it is when they are sent.
     */
    public Channel update(Actor actor, UUID id, ChannelChange request) {
        AccountScope scope = AccountScope.changing(actor);
        Channel before = find(scope, id);
        request.kind().filter(k -> k != before.kind()).ifPresent(k -> {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "kind: channel " + before.name() + " is "
                    + before.kind().key() + "; a channel keeps its kind (add a new channel for " + k.key() + ")");
        });
        String target = request.target().orElse(before.target());
        if (!target.equals(before.target())) {
            switch (before.kind()) {
                case EMAIL -> policy.checkEmail(target);
                case SLACK, TEAMS -> policy.checkWebhook(target);
            }
        }
        try {
            jdbc.sql(SQL.get("update-channel")).param("account", scope.account()).param("id", id)
                    .param("name", request.name()).param("target", target)
                    .param("budgetAlerts", request.budgetAlerts().orElse(before.budgetAlerts()))
                    .param("anomalyAlerts", request.anomalyAlerts().orElse(before.anomalyAlerts())).update();
        } catch (DuplicateKeyException e) {
            throw new RebillException(ErrorCode.DUPLICATE, "this account already has a channel named '"
                    + request.name() + "'");
        }
        Channel after = find(scope, id);
        List<String> changed = new java.util.ArrayList<>();
        if (!before.name().equals(after.name())) {
            changed.add("name");
        }
        if (!before.target().equals(after.target())) {
            changed.add("target");
        }
        if (before.budgetAlerts() != after.budgetAlerts()) {
            changed.add("budget_alerts");
        }
        if (before.anomalyAlerts() != after.anomalyAlerts()) {
            changed.add("anomaly_alerts");
        }
        // never the target itself: a webhook URL is a secret, and the log is read by every Owner of the account
        audit.record(actor, "notification_channel.update", id.toString(), Map.of("name", after.name(), "was",
                before.name(), "kind", after.kind().key(), "account", actor.account().name(), "changed", changed,
                "budget_alerts", after.budgetAlerts(), "anomaly_alerts", after.anomalyAlerts()));
        return after;
    }

    public void delete(Actor actor, UUID id) {
        AccountScope scope = AccountScope.changing(actor);
        Channel channel = find(scope, id);
        jdbc.sql(SQL.get("delete-channel")).param("account", scope.account()).param("id", id).update();
        audit.record(actor, "notification_channel.delete", id.toString(), Map.of("name", channel.name(),
                "account", actor.account().name()));
    }

    /** The account's latest 100 deliveries, newest first. */
    public List<Delivery> deliveries(Actor actor) {
        AccountScope scope = AccountScope.reading(actor);
        return jdbc.sql(SQL.get("deliveries")).param("account", scope.account()).query(Channels::delivery).list();
    }

    public Delivery delivery(Actor actor, UUID id) {
        AccountScope scope = AccountScope.reading(actor);
        return jdbc.sql(SQL.get("delivery")).param("account", scope.account()).param("id", id)
                .query(Channels::delivery).optional()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no notification " + id));
    }

    /** The account's latest 50 anomalies, newest day first. */
    public List<Anomaly> anomalies(Actor actor) {
        AccountScope scope = AccountScope.reading(actor);
        return jdbc.sql(SQL.get("anomalies")).param("account", scope.account())
                .query((rs, i) -> new Anomaly(rs.getString("service"), rs.getObject("day", LocalDate.class),
                        rs.getString("currency"), rs.getBigDecimal("amount"), rs.getBigDecimal("baseline"),
                        rs.getBigDecimal("deviation"))).list();
    }

    /** Sends the due deliveries now (after alerts were recorded). */
    void wake() {
        worker.wake();
    }

    private Channel find(AccountScope scope, UUID id) {
        return jdbc.sql(SQL.get("channel")).param("account", scope.account()).param("id", id)
                .query(Channels::channel).optional()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no notification channel " + id));
    }
}
