package io.rebill.invoicing.internal;

import io.rebill.invoicing.BillingOverview;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.Optional;
import java.util.UUID;

import static io.rebill.invoicing.internal.RunStore.SQL;

/** Closed periods of an MSP: once closed, a period is never billed, issued or voided again. */
public final class CloseStore {
    private final JdbcClient jdbc;

    public CloseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<BillingOverview.Closed> find(UUID msp, BillingPeriod period) {
        return jdbc.sql(SQL.get("period-close")).param("msp", msp).param("period", period.toString())
                .query((rs, n) -> new BillingOverview.Closed(rs.getTimestamp("closed_at").toInstant(),
                        rs.getString("closed_by"))).optional();
    }

    public void requireOpen(UUID msp, BillingPeriod period) {
        find(msp, period).ifPresent(c -> {
            throw new RebillException(ErrorCode.PERIOD_CLOSED, "billing period " + period + " is closed; nothing of it"
                    + " changes any more (restated data is billed as corrections in the next open period)");
        });
    }

    public void close(UUID msp, BillingPeriod period, String by) {
        jdbc.sql(SQL.get("close-period")).param("msp", msp).param("period", period.toString()).param("by", by).update();
    }

    public void lockMsp(UUID msp) {
        jdbc.sql(SQL.get("lock-msp")).param("msp", msp).query(UUID.class).list();
    }
}
