package io.rebill.invoicing.internal;

import io.rebill.rules.Customer;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.InvoiceLine;
import io.rebill.rules.RatedPeriod;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.RoundingPolicy;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each configured customer's bill from a rated period (spec §4): cost and charge summed from the run's groups, one
 * invoice line per service (its charge summed exactly, then rounded once) plus one line per charge or credit, in
 * the workflow's order. A customer without lines still gets a bill, with its charges and credits only.
 */
public final class InvoiceLines {
    private final RatedPeriod rated;

    public InvoiceLines(RatedPeriod rated) {
        this.rated = rated;
    }

    public List<CustomerBill> customerBills() throws SQLException {
        Map<String, BigDecimal[]> totals = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        Map<String, String> currencies = new HashMap<>();
        try (Statement s = rated.duck().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT customer_id, sum(cost), sum(charge), sum(lines), min(billing_currency), count(DISTINCT billing_currency)"
                        + " FROM bill_groups WHERE customer_id IS NOT NULL GROUP BY 1")) {
            while (rs.next()) {
                String id = rs.getString(1);
                if (rs.getLong(6) > 1) {
                    throw new RebillException(ErrorCode.BAD_VALUE, "customer " + id + " has lines in several currencies in "
                            + rated.period() + "; bill each currency's accounts as its own customer");
                }
                totals.put(id, new BigDecimal[]{rs.getBigDecimal(2), rs.getBigDecimal(3)});
                counts.put(id, rs.getLong(4));
                currencies.put(id, rs.getString(5));
            }
        }
        String fallback = rated.config().currency();
        Map<String, List<InvoiceLine>> invoices = new HashMap<>();
        try (Statement s = rated.duck().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT customer_id, COALESCE(service_name, 'Other') AS service, sum(charge) FROM bill_groups"
                        + " WHERE customer_id IS NOT NULL AND NOT excluded GROUP BY ALL ORDER BY 1, 2")) {
            while (rs.next()) {
                String id = rs.getString(1);
                String currency = currencies.getOrDefault(id, fallback);
                BigDecimal exact = rs.getBigDecimal(3);
                invoices.computeIfAbsent(id, k -> new ArrayList<>()).add(new InvoiceLine(InvoiceLine.Kind.SERVICE,
                        rs.getString(2), null, null, exact, RoundingPolicy.invoiceLine(exact, currency)));
            }
        }
        Map<String, BigDecimal> extraTotals = new HashMap<>();
        try (Statement s = rated.duck().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT customer_id, kind, service, category, sub_category, amount FROM extra ORDER BY customer_id, position")) {
            while (rs.next()) {
                String id = rs.getString(1);
                String currency = currencies.getOrDefault(id, fallback);
                BigDecimal amount = rs.getBigDecimal(6);
                invoices.computeIfAbsent(id, k -> new ArrayList<>()).add(new InvoiceLine(
                        "credit".equals(rs.getString(2)) ? InvoiceLine.Kind.CREDIT : InvoiceLine.Kind.CHARGE,
                        rs.getString(3), rs.getString(4), rs.getString(5), amount, RoundingPolicy.invoiceLine(amount, currency)));
                extraTotals.merge(id, amount, BigDecimal::add);
            }
        }
        List<CustomerBill> bills = new ArrayList<>();
        for (Customer c : rated.config().customers()) {
            BigDecimal[] t = totals.getOrDefault(c.id(), new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            BigDecimal charge = t[1].add(extraTotals.getOrDefault(c.id(), BigDecimal.ZERO));
            bills.add(new CustomerBill(c.id(), c.name(), rated.workflowIds().getOrDefault(c.id(), Optional.empty()),
                    currencies.getOrDefault(c.id(), fallback), t[0], charge, counts.getOrDefault(c.id(), 0L),
                    invoices.getOrDefault(c.id(), List.of())));
        }
        return bills;
    }
}
