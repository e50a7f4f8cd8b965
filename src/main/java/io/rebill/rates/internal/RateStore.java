package io.rebill.rates.internal;

import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The exchange_rate table; every statement is scoped by the MSP. */
public final class RateStore {
    private static final SqlStatements SQL = SqlStatements.load(RateStore.class, "/io/rebill/rates/rates.sql");

    private final JdbcClient jdbc;

    public RateStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Row(String from, BillingPeriod period, BigDecimal rate, Instant createdAt, String createdBy) {
    }

    public List<Row> list(UUID msp) {
        return jdbc.sql(SQL.get("list")).param("msp", msp).query(RateStore::row).list();
    }

    public Optional<Row> find(UUID msp, String from, BillingPeriod period) {
        return jdbc.sql(SQL.get("find")).param("msp", msp).param("from", from).param("period", period.toString())
                .query(RateStore::row).optional();
    }

    public void upsert(UUID msp, String from, BillingPeriod period, BigDecimal rate, String createdBy) {
        jdbc.sql(SQL.get("upsert")).param("msp", msp).param("from", from).param("period", period.toString())
                .param("rate", rate).param("createdBy", createdBy).update();
    }

    public boolean delete(UUID msp, String from, BillingPeriod period) {
        return jdbc.sql(SQL.get("delete")).param("msp", msp).param("from", from).param("period", period.toString())
                .update() > 0;
    }

    public Optional<String> mspCurrency(UUID msp) {
        return jdbc.sql(SQL.get("msp-currency")).param("msp", msp).query(String.class).optional();
    }

    private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Row(rs.getString("from_currency"), BillingPeriod.parse(rs.getString("period")),
                rs.getBigDecimal("rate").stripTrailingZeros(), rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"));
    }
}
