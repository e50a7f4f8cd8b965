package io.rebill.rules.internal;

import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The billing semantics of spec §2-3 evaluated line by line in Java: slow and obvious, the reference that property
 * tests hold the SQL engine ({@link WorkflowCompiler}, {@link BillingRun}) against to the last decimal. A line is a
 * map of canonical column name to value (String, BigDecimal, LocalDateTime, Map of tags).
 */
public final class ReferenceBilling {
    private static final int SCALE = WorkflowCompiler.SCALE;

    /** One line's outcome. {@code customerId} is null for an unassigned line. */
    public record Outcome(String lineId, String customerId, BigDecimal cost, BigDecimal charge, boolean excluded,
                          List<Step> lineage) {
    }

    public record Step(String rule, BigDecimal before, BigDecimal after) {
    }

    /** A charge or credit line: signed amount. */
    public record Extra(String customerId, String ruleId, BigDecimal amount) {
    }

    public record Result(List<Outcome> lines, List<Extra> extras) {
    }

    private final MspConfig config;
    private final BillingPeriod period;
    /** Evaluates a CEL expression against a line (the CEL reference evaluator). */
    private final BiPredicate<String, Map<String, Object>> when;

    public ReferenceBilling(MspConfig config, BillingPeriod period, BiPredicate<String, Map<String, Object>> when) {
        this.config = config;
        this.period = period;
        this.when = when;
    }

    public Result bill(List<Map<String, Object>> lines) {
        Map<String, BigDecimal> skuMaxRate = new HashMap<>();
        for (Map<String, Object> l : lines) {
            BigDecimal rate = dec(l.get("list_unit_price"));
            if (rate != null && rate.signum() > 0) {
                skuMaxRate.merge(String.valueOf(l.get("sku_id")), rate, BigDecimal::max);
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        // the in-scope charge of a customer's lines at each charge or credit, keyed customer NUL rule
        Map<String, BigDecimal> subtotals = new HashMap<>();
        Map<String, Rule> rules = config.rulesById();
        for (Map<String, Object> line : lines) {
            String customer = claimant(line);
            if (customer == null) {
                outcomes.add(new Outcome((String) line.get("line_id"), null, zero(dec(line.get("effective_cost"))), null,
                        false, List.of()));
                continue;
            }
            Workflow w = config.workflowFor(customer, period)
                    .orElse(new Workflow("", "none", Workflow.Basis.EFFECTIVE, List.of()));
            BigDecimal cost = zero(dec(line.get(switch (w.basis()) {
                case EFFECTIVE -> "effective_cost";
                case BILLED -> "billed_cost";
                case LIST -> "list_cost";
            }))).setScale(SCALE, RoundingMode.HALF_UP);
            BigDecimal charge = cost;
            boolean excluded = false;
            List<Step> lineage = new ArrayList<>();
            for (String ruleId : w.ruleIds()) {
                Rule rule = rules.get(ruleId);
                if (!rule.scope().appliesIn(period)) {
                    continue;
                }
                boolean inScope = !excluded && inScope(rule, line);
                if (rule instanceof Rule.AddedLine) {
                    subtotals.merge(customer + "\u0000" + rule.id(), inScope ? charge : BigDecimal.ZERO, BigDecimal::add);
                    continue;
                }
                if (!inScope) {
                    continue;
                }
                Optional<BigDecimal> next = apply(rule, line, charge, skuMaxRate);
                if (next.isPresent()) {
                    lineage.add(new Step(rule.id(), charge, next.get()));
                    charge = next.get();
                    excluded = excluded || rule instanceof Rule.Exclusion;
                }
            }
            outcomes.add(new Outcome((String) line.get("line_id"), customer, cost, charge, excluded, lineage));
        }
        return new Result(outcomes, extras(subtotals));
    }

    private List<Extra> extras(Map<String, BigDecimal> subtotals) {
        List<Extra> extras = new ArrayList<>();
        Map<String, Rule> rules = config.rulesById();
        for (Customer c : config.customers()) {
            Optional<Workflow> w = config.workflowFor(c.id(), period);
            if (w.isEmpty()) {
                continue;
            }
            BigDecimal earlier = BigDecimal.ZERO;
            for (String ruleId : w.get().ruleIds()) {
                if (!(rules.get(ruleId) instanceof Rule.AddedLine added) || !added.scope().appliesIn(period)) {
                    continue;
                }
                if (added.frequency() == Rule.Frequency.ONE_TIME && !added.scope().start().map(period::equals).orElse(false)) {
                    continue;
                }
                BigDecimal lines = subtotals.getOrDefault(c.id() + "\u0000" + added.id(), BigDecimal.ZERO);
                BigDecimal amount = Charges.amount(added, added.scope().unrestricted() ? lines.add(earlier) : lines);
                BigDecimal signed = added.isCredit() ? amount.negate() : amount;
                extras.add(new Extra(c.id(), added.id(), signed));
                earlier = earlier.add(signed);
            }
        }
        return extras;
    }

    private String claimant(Map<String, Object> line) {
        for (Customer c : config.customers()) {
            if (has(c.accounts(), line.get("sub_account_id"))
                    || c.match().map(m -> when.test(m, line)).orElse(false)) {
                return c.id();
            }
        }
        return null;
    }

    private boolean inScope(Rule rule, Map<String, Object> line) {
        Scope s = rule.scope();
        if (!s.services().isEmpty() && !has(s.services(), line.get("service_name"))
                && !has(s.services(), line.get("x_service_code"))) {
            return false;
        }
        if (!in(s.categories(), line.get("service_category")) || !in(s.chargeTypes(), line.get("x_charge_type"))
                || !in(s.subAccounts(), line.get("sub_account_id"))) {
            return false;
        }
        if (!s.chargeCategories().isEmpty()) {
            if (!has(s.chargeCategories(), line.get("charge_category"))) {
                return false;
            }
        } else if ((rule instanceof Rule.Uplift || rule instanceof Rule.Discount) && "Tax".equals(line.get("charge_category"))) {
            return false;
        }
        return s.when().map(w -> when.test(w, line)).orElse(true);
    }

    /** SQL's IN: a NULL value is in no list. */
    private static boolean has(List<String> values, Object v) {
        return v != null && values.contains(v);
    }

    private static boolean in(List<String> values, Object v) {
        return values.isEmpty() || has(values, v);
    }

    /** The rule's new charge for an in-scope line, or empty when the rule does not change this kind of line. */
    private Optional<BigDecimal> apply(Rule rule, Map<String, Object> line, BigDecimal charge, Map<String, BigDecimal> skuMaxRate) {
        String type = (String) line.get("x_charge_type");
        String commitment = (String) line.get("commitment_discount_type");
        String owner = (String) line.get("x_commitment_owner_account_id");
        BigDecimal list = dec(line.get("list_cost"));
        return switch (rule) {
            case Rule.Exclusion e -> Optional.of(BigDecimal.ZERO.setScale(SCALE));
            case Rule.Adjustment a -> Optional.of(times(charge, a.percentage().movePointLeft(2)));
            case Rule.Uplift u -> Optional.of(times(charge, BigDecimal.ONE.add(u.percent().movePointLeft(2))));
            case Rule.Discount d -> Optional.of(times(charge, BigDecimal.ONE.subtract(d.percent().movePointLeft(2))));
            case Rule.ReplaceRiDiscount r -> {
                boolean bought = r.purchasedBy().isEmpty() || has(r.purchasedBy(), owner);
                if (bought && "RI".equals(commitment) && "DiscountedUsage".equals(type) && list != null) {
                    yield Optional.of(list.setScale(SCALE, RoundingMode.HALF_UP));
                }
                yield bought && "RI".equals(commitment) && ("RIFee".equals(type) || "Fee".equals(type))
                        ? Optional.of(BigDecimal.ZERO.setScale(SCALE)) : Optional.empty();
            }
            case Rule.ReplaceSpDiscount r -> {
                boolean bought = r.purchasedBy().isEmpty() || has(r.purchasedBy(), owner);
                if (bought && "SP".equals(commitment) && "SavingsPlanCoveredUsage".equals(type) && list != null) {
                    yield Optional.of(list.setScale(SCALE, RoundingMode.HALF_UP));
                }
                yield bought && "SP".equals(commitment) && has(List.of("SavingsPlanNegation", "SavingsPlanRecurringFee",
                        "SavingsPlanUpfrontFee"), type) ? Optional.of(BigDecimal.ZERO.setScale(SCALE)) : Optional.empty();
            }
            case Rule.RerateToList r -> "Usage".equals(line.get("charge_category")) && list != null && list.signum() > 0
                    ? Optional.of(list.setScale(SCALE, RoundingMode.HALF_UP)) : Optional.empty();
            case Rule.RemoveFreeTier r -> freeTier(r, line, skuMaxRate);
            case Rule.AddedLine added -> Optional.empty();
        };
    }

    private static Optional<BigDecimal> freeTier(Rule.RemoveFreeTier r, Map<String, Object> line, Map<String, BigDecimal> skuMaxRate) {
        BigDecimal billed = dec(line.get("billed_cost"));
        BigDecimal quantity = dec(line.get("consumed_quantity"));
        if (!"Usage".equals(line.get("charge_category")) || billed == null || billed.signum() != 0
                || quantity == null || quantity.signum() <= 0 || coveredByACommitment(line)) {
            return Optional.empty();
        }
        String sku = (String) line.get("sku_id");
        BigDecimal rate = sku == null ? null : r.priceList().get(sku);
        if (rate == null) {
            BigDecimal own = dec(line.get("list_unit_price"));
            rate = own != null && own.signum() != 0 ? own : skuMaxRate.get(String.valueOf(sku));
        }
        if (rate == null) {
            return Optional.empty();
        }
        rate = rate.setScale(12, RoundingMode.HALF_UP);
        if (rate.signum() <= 0) {
            return Optional.empty();
        }
        return Optional.of(quantity.setScale(12, RoundingMode.HALF_UP).multiply(rate).setScale(SCALE, RoundingMode.HALF_UP));
    }

    /**
     * Usage a reservation or savings plan covers costs 0 because the commitment paid for it, so it is not free tier
     * (spec §3): a line with a commitment, CUR's DiscountedUsage and SavingsPlanCoveredUsage, FOCUS's status Used.
     */
    private static boolean coveredByACommitment(Map<String, Object> line) {
        Object type = line.get("x_charge_type");
        return line.get("commitment_discount_id") != null || "Used".equals(line.get("commitment_discount_status"))
                || "DiscountedUsage".equals(type) || "SavingsPlanCoveredUsage".equals(type);
    }

    private static BigDecimal times(BigDecimal charge, BigDecimal factor) {
        return charge.multiply(factor).setScale(SCALE, RoundingMode.HALF_UP);
    }

    private static BigDecimal dec(Object v) {
        return v == null ? null : v instanceof BigDecimal d ? d : new BigDecimal(v.toString());
    }

    private static BigDecimal zero(BigDecimal v) {
        return Objects.requireNonNullElse(v, BigDecimal.ZERO);
    }
}
