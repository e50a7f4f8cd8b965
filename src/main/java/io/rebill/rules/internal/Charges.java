package io.rebill.rules.internal;

import io.rebill.rules.Rule;
import io.rebill.rules.Workflow;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Charges and credits, one per customer (spec §3): a fixed amount, or percent of the subtotal at the rule's
 * position (the in-scope charges of the customer's lines there, plus earlier charges and credits when the rule's
 * scope is unrestricted), never below its minimum. They go to the temp table {@code extra}, beside the run's
 * {@code bill_groups}.
 */
final class Charges {
    static final String MONEY = WorkflowCompiler.MONEY;

    private final RunStatements sql;
    private final BillingPeriod period;

    Charges(RunStatements sql, BillingPeriod period) {
        this.sql = sql;
        this.period = period;
    }

    /** Fills {@code extra} from the subtotal columns each workflow's chain left in {@code bill_groups}. */
    void createExtra(Map<String, Workflow> workflowOf, Map<String, List<WorkflowCompiler.SubtotalPoint>> subtotalColumns)
            throws SQLException {
        sql.execute("CREATE OR REPLACE TEMP TABLE extra (customer_id VARCHAR, rule_id VARCHAR, title VARCHAR,"
                + " kind VARCHAR, service VARCHAR, category VARCHAR, sub_category VARCHAR, amount " + MONEY + ","
                + " position INTEGER)");
        Map<String, Map<String, BigDecimal>> subtotals = new HashMap<>();
        for (Map.Entry<String, List<WorkflowCompiler.SubtotalPoint>> e : subtotalColumns.entrySet()) {
            for (WorkflowCompiler.SubtotalPoint point : e.getValue()) {
                Map<String, BigDecimal> byCustomer = new HashMap<>();
                try (Statement s = sql.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT customer_id, sum("
                        + point.column() + ") FROM bill_groups WHERE " + point.column() + " IS NOT NULL GROUP BY 1")) {
                    while (rs.next()) {
                        byCustomer.put(rs.getString(1), rs.getBigDecimal(2));
                    }
                }
                subtotals.put(point.column(), byCustomer);
            }
        }
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, Workflow> e : workflowOf.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            BigDecimal earlier = BigDecimal.ZERO;
            int position = 0;
            for (WorkflowCompiler.SubtotalPoint point : subtotalColumns.getOrDefault(e.getValue().id(), List.of())) {
                position++;
                if (!chargedIn(point.rule())) {
                    continue;
                }
                BigDecimal lines = subtotals.get(point.column()).getOrDefault(e.getKey(), BigDecimal.ZERO);
                BigDecimal subtotal = point.rule().scope().unrestricted() ? lines.add(earlier) : lines;
                BigDecimal amount = amount(point.rule(), subtotal);
                boolean credit = point.rule().isCredit();
                BigDecimal signed = credit ? amount.negate() : amount;
                Rule.InvoiceLabel label = point.rule().label();
                rows.add(new Object[]{e.getKey(), point.rule().id(), point.rule().title(), credit ? "credit" : "charge",
                        label.service(), label.category().orElse(null), label.subCategory().orElse(null),
                        signed.toPlainString(), position});
                earlier = earlier.add(signed);
            }
        }
        sql.insertRows("extra", "(?, ?, ?, ?, ?, ?, ?, CAST(? AS " + MONEY + "), ?)", rows);
    }

    /** Monthly charges apply in every period of their scope; one-time ones only in their start period. */
    private boolean chargedIn(Rule.AddedLine rule) {
        return switch (rule.frequency()) {
            case MONTHLY -> rule.scope().appliesIn(period);
            case ONE_TIME -> rule.scope().start().map(period::equals).orElseThrow(() -> new RebillException(
                    ErrorCode.BAD_ARGUMENT, "one-time rule " + rule.id() + " needs a start period to know when to bill"));
        };
    }

    /** A charge's or credit's amount (positive) for the subtotal at its position, never below its minimum. */
    static BigDecimal amount(Rule.AddedLine rule, BigDecimal subtotal) {
        Rule.Amount a = rule.amount();
        return switch (a) {
            case Rule.Amount.Fixed f -> f.value();
            case Rule.Amount.PercentOfSubtotal p -> {
                BigDecimal v = subtotal.multiply(p.percent()).movePointLeft(2)
                        .setScale(WorkflowCompiler.SCALE, RoundingMode.HALF_UP);
                yield p.minimum().filter(min -> min.compareTo(v) > 0).orElse(v);
            }
        };
    }
}
