package io.rebill.rules.internal;

import io.rebill.rules.BillResult;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.DailyCost;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily aggregate of a finished {@link BillingRun} (issue 12), read set-based from the run's own sums: the temp
 * table {@code bill_groups} (already per customer, day, service, category, charge type, region and account, see
 * {@link BillingRun#DAILY_COLUMNS}, when the run was asked
 * {@link BillingRun#withDailyDimensions}) and the charges and credits in {@code extra}. No line is read again, so the
 * aggregate costs one GROUP BY over a few thousand rows, whatever the number of lines.
 *
 * <p>Charges and credits are rows of their own service / category on the period's first day: they are per period,
 * not per day, and spreading them over the days would make a day's figure change as the month goes on.
 */
public final class DailyAggregate {
    private final Connection duck;

    public DailyAggregate(Connection duck) {
        this.duck = duck;
    }

    public List<DailyCost> read(BillResult result, String defaultCurrency) {
        BillingPeriod period = result.period();
        LocalDate first = period.month().atDay(1);
        Map<String, String> currencyOf = new HashMap<>();
        for (CustomerBill b : result.customers()) {
            currencyOf.put(b.customerId(), b.currency());
        }
        List<DailyCost> rows = new ArrayList<>();
        try {
            try (PreparedStatement ps = duck.prepareStatement("SELECT customer_id, COALESCE(usage_day, CAST(? AS DATE)),"
                    + " excluded, COALESCE(service_name, 'Other'), service_category, x_charge_type, region_id, sub_account_id,"
                    + " billing_currency, sum(cost), COALESCE(sum(charge), 0) FROM bill_groups GROUP BY ALL"
                    + " ORDER BY 1 NULLS FIRST, 2, 4, 5, 6, 7, 8, 3")) {
                ps.setString(1, first.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String customer = rs.getString(1);
                        DailyCost.Kind kind = customer == null ? DailyCost.Kind.UNASSIGNED
                                : rs.getBoolean(3) ? DailyCost.Kind.EXCLUDED : DailyCost.Kind.USAGE;
                        String currency = rs.getString(9) != null ? rs.getString(9)
                                : currencyOf.getOrDefault(customer, defaultCurrency);
                        BigDecimal charge = kind.customerVisible() ? rs.getBigDecimal(11) : BigDecimal.ZERO;
                        rows.add(new DailyCost(customer, rs.getObject(2, LocalDate.class), kind, rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), currency,
                                rs.getBigDecimal(10), charge));
                    }
                }
            }
            try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT customer_id, kind, service, category, amount FROM extra ORDER BY customer_id, position")) {
                while (rs.next()) {
                    String customer = rs.getString(1);
                    DailyCost.Kind kind = "credit".equals(rs.getString(2)) ? DailyCost.Kind.CREDIT : DailyCost.Kind.CHARGE;
                    rows.add(new DailyCost(customer, first, kind, rs.getString(3), rs.getString(4), null, null, null,
                            currencyOf.getOrDefault(customer, defaultCurrency), BigDecimal.ZERO, rs.getBigDecimal(5)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "daily costs of " + period + " failed in DuckDB: "
                    + e.getMessage(), e);
        }
    }
}
