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
 * credits in {@code extra}. No line is read again, and the rows go straight from DuckDB to a file (one JSON object
 * a line, amounts as exact decimal text), never through Java objects.
 *
 * <p>Charges and credits are rows of their own service / category on the period's first day: they are per period,
 * not per day, and spreading them over the days would make a day's figure change as the month goes on.
 */
public final class DailyAggregate {
    private final Connection duck;

    public DailyAggregate(Connection duck) {
        this.duck = duck;
    }

    /** Writes the rows to {@code file}; returns how many. */
    public long write(BillResult result, String defaultCurrency, Path file) {
        LocalDate first = result.period().month().atDay(1);
        String sql = "COPY (SELECT customer_key, CAST(day AS VARCHAR) AS day, kind, service, service_category,"
                + " charge_type, region, sub_account_id, currency, CAST(cost AS VARCHAR) AS cost,"
                + " CAST(charge AS VARCHAR) AS charge FROM ("
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
                + " 0, e.amount FROM extra e)"
                + " ORDER BY customer_key NULLS FIRST, day, service, kind) TO '" + DuckDb.literal(file.toString())
                + "' (FORMAT json)";
        try {
            try (Statement s = duck.createStatement()) {
                s.execute("SET preserve_insertion_order = true");
            }
            try (PreparedStatement ps = duck.prepareStatement(sql)) {
                ps.setString(1, first.toString());
                ps.setString(2, defaultCurrency);
                ps.setString(3, first.toString());
                ps.setString(4, defaultCurrency);
                ps.execute();
            }
            try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT (SELECT count(*) FROM (SELECT 1 FROM bill_groups GROUP BY customer_id, usage_day, excluded,"
                            + " service_name, service_category, x_charge_type, region_id, sub_account_id,"
                            + " billing_currency)) + (SELECT count(*) FROM extra)")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "daily costs of " + result.period() + " failed in"
                    + " DuckDB: " + e.getMessage(), e);
        }
    }
}
