package io.rebill.identity;

import io.rebill.shared.sql.SqlStatements;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The sign-in throttle's counts in PostgreSQL (table {@code sign_in_failure}), so that a restart does not forget them
 * and every server process on the database counts together (issue 14 item 5). One key's change is a transaction
 * that locks its row ({@code SELECT ... FOR UPDATE}), so concurrent failures are all counted.
 */
public final class SignInFailures implements SignInThrottle.Store {
    private static final SqlStatements SQL = SqlStatements.load(SignInFailures.class, "sign-in.sql");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public SignInFailures(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Override
    public Optional<SignInThrottle.Failures> get(String key) {
        return jdbc.sql(SQL.get("get")).param("key", key).query(FAILURES).optional().filter(f -> f.count() > 0);
    }

    @Override
    public SignInThrottle.Failures update(String key, UnaryOperator<SignInThrottle.Failures> change) {
        return tx.execute(status -> {
            jdbc.sql(SQL.get("ensure")).param("key", key).update();
            SignInThrottle.Failures old = jdbc.sql(SQL.get("lock-row")).param("key", key).query(FAILURES).single();
            SignInThrottle.Failures next = change.apply(old.count() == 0 ? null : old);
            jdbc.sql(SQL.get("put")).param("key", key).param("failures", next.count())
                    .param("last", Timestamp.from(next.last())).param("lockedUntil", Timestamp.from(next.lockedUntil()))
                    .param("forgetAt", Timestamp.from(next.forgetAt())).update();
            return next;
        });
    }

    @Override
    public void remove(String key) {
        jdbc.sql(SQL.get("remove")).param("key", key).update();
    }

    @Override
    public void forget(Instant now) {
        jdbc.sql(SQL.get("forget")).param("now", Timestamp.from(now)).update();
    }

    @Override
    public long size() {
        return jdbc.sql(SQL.get("size")).query(Long.class).single();
    }

    private static final RowMapper<SignInThrottle.Failures> FAILURES = (rs, n) -> new SignInThrottle.Failures(
            rs.getInt("failures"), instant(rs.getTimestamp("last_at")), instant(rs.getTimestamp("locked_until")));

    /** A new row's times are the epoch: no failure, no lock. */
    private static Instant instant(Timestamp t) {
        return t == null || t.toInstant().isBefore(Instant.EPOCH) ? Instant.EPOCH : t.toInstant();
    }
}
