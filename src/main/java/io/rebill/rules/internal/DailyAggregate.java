package io.rebill.rules.internal;

import io.rebill.rules.BillResult;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;

/**
 * The daily aggregate of a finished {@link BillingRun} (issue 12), computed set-based from the run's own sums: the
 * temp table {@code bill_groups} (already per customer, day, service, category, charge type, region and account, see
 * {@link BillingRun#DAILY_COLUMNS}, when the run was asked {@link BillingRun#withDailyDimensions}) and the charges and
 * credits in {@code extra}. No line is read again, and the rows go straight from DuckDB to files, never through Java
 * objects: the fine rows as Parquet ordered by customer ({@link io.rebill.rules.RunFiles#DAILY}, kept with the run;
 * the reports read it with DuckDB), and their rollup by customer, day, kind and service as CSV, which the costs
 * feature COPYs into PostgreSQL in the transaction of the run's drafts.
 *
 * <p>Charges and credits are rows of their own service / category on the period's first day: they are per period,
 * not per day, and spreading them over the days would make a day's figure change as the month goes on.
 */
public final class DailyAggregate {
    /** Rows per Parquet row group: a customer's read of a month skips the row groups of the other customers. */
    static final int ROW_GROUP = 16_384;
    /** The rollup's columns, in the order of its CSV (no header). */
    public static final String ROLLUP_COLUMNS = "customer_key, day, kind, service, currency, cost, charge";

    private final Connection duck;

    public DailyAggregate(Connection duck) {
        this.duck = duck;
    }

    /** Writes the fine rows to {@code parquet} and their rollup to {@code rollupCsv}; returns how many fine rows. */
    public long write(BillResult result, String defaultCurrency, Path parquet, Path rollupCsv) {
        LocalDate first = result.period().month().atDay(1);
        String sql = "CREATE OR REPLACE TEMP TABLE rb_daily AS SELECT customer_key, day, kind, service,"
                + " service_category, charge_type, region, sub_account_id, currency, cost, charge FROM ("
                // excluded and unassigned rows carry the MSP's cost only
                + " SELECT customer_id AS customer_key, COALESCE(usage_day, CAST(? AS DATE)) AS day,"
                + " CASE WHEN customer_id IS NULL THEN 'unassigned' WHEN excluded THEN 'excluded' ELSE 'usage' END AS kind,"
                + " COALESCE(service_name, 'Other') AS service, service_category, x_charge_type AS charge_type,"
                + " region_id AS region, sub_account_id, COALESCE(billing_currency, ?) AS currency, sum(cost) AS cost,"
                + " CASE WHEN customer_id IS NULL OR excluded THEN 0 ELSE COALESCE(sum(charge), 0) END AS charge"
                + " FROM bill_groups GROUP BY customer_id, usage_day, excluded, service_name, service_category,"
                + " x_charge_type, region_id, sub_account_id, billing_currency"
                + " UNION ALL SELECT e.customer_id, CAST(? AS DATE), e.kind, e.service, e.category, NULL, NULL, NULL,"
                + " COALESCE((SELECT min(g.billing_currency) FROM bill_groups g WHERE g.customer_id = e.customer_id), ?),"
                + " 0, e.amount FROM extra e)";
        try {
            try (PreparedStatement ps = duck.prepareStatement(sql)) {
                ps.setString(1, first.toString());
                ps.setString(2, defaultCurrency);
                ps.setString(3, first.toString());
                ps.setString(4, defaultCurrency);
                ps.execute();
            }
            try (Statement s = duck.createStatement()) {
                s.execute("SET preserve_insertion_order = true");
                s.execute("COPY (SELECT * FROM rb_daily ORDER BY customer_key NULLS FIRST, day, service, kind) TO '"
                        + DuckDb.literal(parquet.toString()) + "' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE "
                        + ROW_GROUP + ")");
                s.execute("COPY (SELECT " + ROLLUP_COLUMNS.replace("cost, charge", "sum(cost), sum(charge)")
                        + " FROM rb_daily GROUP BY customer_key, day, kind, service, currency) TO '"
                        + DuckDb.literal(rollupCsv.toString()) + "' (FORMAT csv, HEADER false)");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM rb_daily")) {
                    rs.next();
                    long rows = rs.getLong(1);
                    s.execute("DROP TABLE rb_daily");
                    return rows;
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "daily costs of " + result.period() + " failed in"
                    + " DuckDB: " + e.getMessage(), e);
        }
    }
}
