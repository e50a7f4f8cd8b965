package io.rebill.rules.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles one workflow, for one billing period, into a chain of SQL steps over the customer's lines (spec §3).
 * Each line starts with charge = its cost on the workflow's basis; each rule in order replaces charge on the lines
 * its scope and {@code when} select, appends {rule, before, after} to the line's lineage, and never touches a line an
 * earlier exclusion removed. Arithmetic is DECIMAL: a product is rounded half-up to 24 places once per rule
 * (DuckDB's decimal cast and BigDecimal HALF_UP agree), so the reference evaluator can match it to the last digit.
 * The charge is carried at the fewest places that hold it exactly: it starts at the stored costs' scale (12 for
 * nearly every input) and each percentage adds its places, so a product needs no rounding, and none of DuckDB's
 * slow 128-bit rescales, until it would pass 24 places. Rounding at 24 a product that has at most 24 places changes
 * nothing, so the result is the reference's to the last digit either way.
 */
public final class WorkflowCompiler {
    /** Scale of charges: the canonical money scale. */
    public static final int SCALE = CanonicalColumn.MONEY_SCALE;
    static final String MONEY = CanonicalColumn.MONEY_TYPE;

    private final PredicateCompiler predicates;

    public WorkflowCompiler(PredicateCompiler predicates) {
        this.predicates = predicates;
    }

    /**
     * A compiled chain: CTE definitions (each "name AS (...)"), the last CTE's name, all parameters in order, and the
     * scale of the charge column after the last step.
     */
    public record Chain(List<String> ctes, String last, List<Object> params, List<SubtotalPoint> subtotals, int chargeScale,
                        boolean exact) {
    }

    /**
     * The conditions of a grouped run (BillingRun): each step's condition on a line's own columns, computed once per
     * line as one bit of the key column {@code rb_keys} before the lines are summed into groups, so that the steps then
     * run over the groups and read their bit. Exact only while no step rounds (see {@link Chain#exact}).
     */
    public static final class Keys {
        /** Conditions that get a bit of a BIGINT key; a run with more is billed line by line. */
        static final int MAX = 62;
        private final StringBuilder mask = new StringBuilder();
        private final List<Object> params = new ArrayList<>();
        private int count;

        SqlFragment key(SqlFragment condition) {
            // a rule without a condition (a management fee on every line) needs no bit: each line would carry it
            if (condition.params().isEmpty() && condition.sql().equals("TRUE")) {
                return SqlFragment.TRUE;
            }
            // past MAX, conditions share the last bit; such a chain is never run (fit() is false)
            long bit = 1L << Math.min(count, MAX);
            count++;
            mask.append(mask.isEmpty() ? "" : " + ").append("CASE WHEN ").append(condition.sql()).append(" THEN ")
                    .append(bit).append(" ELSE 0 END");
            params.addAll(condition.params());
            return SqlFragment.of("(rb_keys & " + bit + ") <> 0");
        }

        /** Whether every condition has a bit of its own. */
        public boolean fit() {
            return count <= MAX;
        }

        /** The key column's definition, {@code CAST(... AS BIGINT) AS rb_keys}. */
        public String column() {
            return "CAST(" + (mask.isEmpty() ? "0" : mask.toString()) + " AS BIGINT) AS rb_keys";
        }

        public List<Object> params() {
            return List.copyOf(params);
        }
    }

    /** Where a charge or credit sits: its rule and the column holding each line's in-scope charge at that point. */
    public record SubtotalPoint(Rule.AddedLine rule, String column) {
    }

    /** The cost column a workflow's basis reads (spec §3: effective by default). */
    static String basisColumn(Workflow.Basis basis) {
        return switch (basis) {
            case EFFECTIVE -> "effective_cost";
            case BILLED -> "billed_cost";
            case LIST -> "list_cost";
        };
    }

    /**
     * The steps of one workflow over {@code from}, which already carries cost, charge, excluded and lineage. Every
     * step acts only on the lines {@code guard} selects (the lines of the workflow's customers), so the steps of all
     * workflows form one chain that each line passes once, instead of one branch per workflow joined by a UNION.
     */
    public Chain compile(String prefix, String from, SqlFragment guard, Workflow workflow, List<Rule> rules,
                         BillingPeriod period, Scales scales) {
        return compile(prefix, from, guard, workflow, rules, period, scales, null);
    }

    /**
     * As above; with {@code keys}, for a grouped run: each condition on a line's columns becomes a key bit, and the
     * steps read that bit and the guard (the workflow, which a group's lines share), their arithmetic unchanged, so
     * that they can run over lines summed by those keys. The chain says whether it is exact, i.e. no step rounds a
     * line's charge, which a grouped run needs (a rounding of a sum is not the sum of the roundings).
     */
    public Chain compile(String prefix, String from, SqlFragment guard, Workflow workflow, List<Rule> rules,
                         BillingPeriod period, Scales scales, Keys keys) {
        List<String> ctes = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        List<SubtotalPoint> subtotals = new ArrayList<>();
        SqlFragment notExcluded = SqlFragment.of("NOT excluded");
        String prev = from;
        int scale = scales.charge();
        boolean exact = true;
        int step = 0;
        for (Rule rule : rules) {
            if (!rule.scope().appliesIn(period)) {
                continue;
            }
            step++;
            String name = prefix + "_r" + step;
            switch (rule) {
                case Rule.AddedLine added -> {
                    subtotals.add(new SubtotalPoint(added, "subtotal_" + name));
                    SqlFragment inScope = keys == null ? scope(rule).and(notExcluded)
                            : notExcluded.and(keys.key(scope(rule)));
                    prev = addColumn(ctes, params, prev, name, guard, inScope, "subtotal_" + name);
                }
                default -> {
                    List<Case> cases = new ArrayList<>();
                    for (Case c : cases(rule, scope(rule), new Scales(scales.costs(), scale))) {
                        SqlFragment when = keys == null ? guard.and(c.condition()).and(notExcluded)
                                : guard.and(notExcluded).and(keys.key(c.condition()));
                        cases.add(c.when(when));
                        exact &= c.exact();
                    }
                    int after = scale;
                    for (Case c : cases) {
                        after = Math.max(after, c.scale());
                    }
                    prev = apply(ctes, params, prev, name, rule, cases, scale, after);
                    scale = after;
                }
            }
        }
        return new Chain(ctes, prev, params, subtotals, scale, exact);
    }

    /**
     * Scales of a chain's inputs: {@code costs}, the stored cost columns' (what {@code list_cost} and the basis read),
     * and {@code charge}, the charge column's where the chain starts.
     */
    public record Scales(int costs, int charge) {
        public Scales {
            if (costs > SCALE || charge > SCALE || costs < 0 || charge < 0) {
                throw new IllegalArgumentException("scales must be between 0 and " + SCALE + ": " + costs + ", " + charge);
            }
        }
    }

    /** DECIMAL(38, scale). */
    static String decimal(int scale) {
        return CanonicalColumn.money(scale);
    }

    /** {@code sql}, of DECIMAL scale {@code from}, as DECIMAL(38, to) for to >= from: a multiplication, never a rounding. */
    static String widen(String sql, int from, int to) {
        if (to < from) {
            throw new IllegalArgumentException("widening from " + from + " to " + to + " would round");
        }
        return from == to ? sql : "CAST(" + sql + " AS " + decimal(to) + ")";
    }

    /** The (condition, new charge) pairs of a per-line rule; the first true condition decides a line. */
    private List<Case> cases(Rule rule, SqlFragment scope, Scales scales) {
        int lists = scales.costs();
        return switch (rule) {
            case Rule.Exclusion e -> List.of(new Case(scope, "0", 0));
            case Rule.Adjustment a -> List.of(times(scope, a.percentage().movePointLeft(2), scales.charge()));
            case Rule.Uplift u -> List.of(times(scope, BigDecimal.ONE.add(u.percent().movePointLeft(2)), scales.charge()));
            case Rule.Discount d -> List.of(times(scope, BigDecimal.ONE.subtract(d.percent().movePointLeft(2)), scales.charge()));
            case Rule.ReplaceRiDiscount r -> List.of(
                    new Case(scope.and(SqlFragment.of("x_charge_type = 'DiscountedUsage' AND commitment_discount_type = 'RI'"
                            + " AND list_cost IS NOT NULL")).and(SqlFragment.in("x_commitment_owner_account_id", r.purchasedBy())),
                            "list_cost", lists),
                    new Case(scope.and(SqlFragment.of("x_charge_type IN ('RIFee', 'Fee') AND commitment_discount_type = 'RI'"))
                            .and(SqlFragment.in("x_commitment_owner_account_id", r.purchasedBy())), "0", 0));
            case Rule.ReplaceSpDiscount r -> List.of(
                    new Case(scope.and(SqlFragment.of("x_charge_type = 'SavingsPlanCoveredUsage' AND commitment_discount_type = 'SP'"
                            + " AND list_cost IS NOT NULL")).and(SqlFragment.in("x_commitment_owner_account_id", r.purchasedBy())),
                            "list_cost", lists),
                    new Case(scope.and(SqlFragment.of("x_charge_type IN ('SavingsPlanNegation', 'SavingsPlanRecurringFee',"
                            + " 'SavingsPlanUpfrontFee') AND commitment_discount_type = 'SP'"))
                            .and(SqlFragment.in("x_commitment_owner_account_id", r.purchasedBy())), "0", 0));
            case Rule.RerateToList r -> List.of(new Case(scope.and(SqlFragment.of(
                    "charge_category = 'Usage' AND list_cost > 0")), "list_cost", lists));
            case Rule.RemoveFreeTier r -> List.of(freeTier(r, scope));
            case Rule.AddedLine added -> throw new IllegalStateException(added.id() + " adds a line; it has no per-line case");
        };
    }

    /**
     * Usage a commitment covers (spec §3): its cost 0 is the reservation's or savings plan's doing, not free tier. A
     * line with a commitment id, CUR's DiscountedUsage and SavingsPlanCoveredUsage (also without an ARN), FOCUS's
     * CommitmentDiscountStatus Used (any provider). ReferenceBilling#coveredByACommitment says the same in Java.
     */
    static final String NOT_COVERED_BY_A_COMMITMENT = "commitment_discount_id IS NULL"
            + " AND commitment_discount_status IS DISTINCT FROM 'Used'"
            + " AND x_charge_type IS DISTINCT FROM 'DiscountedUsage' AND x_charge_type IS DISTINCT FROM 'SavingsPlanCoveredUsage'";

    /**
     * Free-tier usage (cost 0, quantity > 0, no commitment covering it) at quantity x the first paid rate of its SKU:
     * the price list, else the line's public on-demand rate, else the highest positive rate of the SKU in the period
     * ({@code sku_max_rate}). Quantity and rate are rounded to 12 places before multiplying so the product fits
     * DECIMAL(38,24) exactly.
     */
    private Case freeTier(Rule.RemoveFreeTier r, SqlFragment scope) {
        List<Object> params = new ArrayList<>();
        StringBuilder priceList = new StringBuilder("CAST(NULL AS DECIMAL(38,12))");
        if (!r.priceList().isEmpty()) {
            priceList = new StringBuilder("CASE sku_id");
            for (Map.Entry<String, BigDecimal> e : r.priceList().entrySet()) {
                priceList.append(" WHEN ? THEN CAST(? AS DECIMAL(38,12))");
                params.add(e.getKey());
                params.add(e.getValue().toPlainString());
            }
            priceList.append(" END");
        }
        String rate = "COALESCE(" + priceList + ", CAST(NULLIF(list_unit_price, 0) AS DECIMAL(38,12)),"
                + " CAST(sku_max_rate AS DECIMAL(38,12)))";
        SqlFragment condition = scope.and(new SqlFragment("charge_category = 'Usage' AND billed_cost = 0"
                + " AND consumed_quantity > 0 AND " + NOT_COVERED_BY_A_COMMITMENT + " AND " + rate + " > 0", params));
        // quantity and rate rounded to 12 places; whole and fractional quantity multiplied apart (see times)
        String q = "CAST(consumed_quantity AS DECIMAL(38,12))";
        List<Object> twice = new ArrayList<>(params);
        twice.addAll(params);
        return new Case(condition, "(CAST(CAST(trunc(" + q + ") AS DECIMAL(38,0)) * " + rate + " AS " + MONEY + ") + CAST(("
                + q + " - trunc(" + q + ")) * " + rate + " AS " + MONEY + "))", SCALE, twice, false);
    }

    /**
     * charge x factor (k places). When the charge's s places and k add up to at most 24 the product is exact at s + k
     * places and nothing rounds. Otherwise it is rounded half-up to 24 places once ({@link #rounded}).
     */
    private static Case times(SqlFragment scope, BigDecimal factor, int chargeScale) {
        BigDecimal f = factor.stripTrailingZeros();
        int k = Math.max(f.scale(), 0);
        if (chargeScale + k <= SCALE) {
            // exact: DECIMAL(38, s) x DECIMAL(p, k) is DECIMAL(38, s + k), a 128-bit multiplication; no digit to round
            return new Case(scope, "(charge * " + factorSql(f) + ")", chargeScale + k);
        }
        return new Case(scope, rounded(widen("charge", chargeScale, SCALE), f), SCALE, List.of(), false);
    }

    private static String factorSql(BigDecimal f) {
        if (f.scale() > 6) {
            throw new IllegalArgumentException("percentages may have at most 4 decimal places: factor " + f.toPlainString());
        }
        int scale = Math.max(f.scale(), 0);
        // 1E+2 stripped has precision 1; as written, 100, it needs 3 digits
        int precision = Math.max(f.setScale(scale).precision(), scale + 1);
        return "CAST('" + f.toPlainString() + "' AS DECIMAL(" + precision + "," + scale + "))";
    }

    /**
     * {@code c}, a DECIMAL(38,24) expression, x factor, rounded half-up to 24 places once. Every rescale of a
     * DECIMAL(38,24) is a 128-bit division, about a microsecond per value in DuckDB 2.0 (docs/benchmarks.md), so the
     * common case does one: the exact product at 24 + k places, cast to 24 (DuckDB's downcast rounds half away from
     * zero, as HALF_UP does). That product has only 14 - k whole digits; a charge too large for it takes the general
     * form, where the whole and fractional parts of the charge are multiplied apart: whole x factor is exact at k
     * places, fraction x factor is below 10^7 and is rounded at 24; their sum is exactly the product rounded at 24, for
     * any charge the column holds.
     */
    static String rounded(String c, BigDecimal factor) {
        BigDecimal f = factor.stripTrailingZeros();
        int scale = Math.max(f.scale(), 0);
        String factorSql = factorSql(f);
        String general = "(CAST(CAST(trunc(" + c + ") AS DECIMAL(38,0)) * " + factorSql + " AS " + MONEY + ") + CAST(("
                + c + " - trunc(" + c + ")) * " + factorSql + " AS " + MONEY + "))";
        // |charge| below this keeps |charge x factor| under 10^(14 - k), what DECIMAL(38, 24 + k) holds
        BigDecimal limit = BigDecimal.TEN.pow(38 - SCALE - scale);
        BigDecimal bound = f.signum() == 0 ? limit : limit.divide(f.abs(), 0, java.math.RoundingMode.DOWN);
        if (bound.signum() == 0) {
            return general;
        }
        return "(CASE WHEN abs(" + c + ") < CAST('" + bound.toPlainString() + "' AS DECIMAL(38,0)) THEN CAST(" + c + " * "
                + factorSql + " AS " + MONEY + ") ELSE " + general + " END)";
    }

    /**
     * A condition and the line's new charge when it holds, of DECIMAL scale {@code scale}; {@code exact} when the new
     * charge rounds nothing (a sum of lines then gets the sum of their charges).
     */
    record Case(SqlFragment condition, String newCharge, int scale, List<Object> chargeParams, boolean exact) {
        Case(SqlFragment condition, String newCharge, int scale) {
            this(condition, newCharge, scale, List.of(), true);
        }

        /** The same new charge under another condition. */
        Case when(SqlFragment other) {
            return new Case(other, newCharge, scale, chargeParams, exact);
        }
    }

    /**
     * One rule's step: the charge column goes from DECIMAL scale {@code before} to {@code after} (each case's new charge
     * and the untouched charge widened to it; DuckDB would otherwise give the CASE the narrowest scale and round). The
     * lineage keeps amounts at 24 places, whatever the scale the charge is carried at.
     */
    private static String apply(List<String> ctes, List<Object> params, String prev, String name, Rule rule, List<Case> cases,
                                int before, int after) {
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            marks.append(", COALESCE(").append(cases.get(i).condition().sql()).append(", FALSE) AS m").append(i);
            params.addAll(cases.get(i).condition().params());
        }
        String marked = name + "_m";
        ctes.add(marked + " AS (SELECT *" + marks + " FROM " + prev + ")");
        StringBuilder newCharge = new StringBuilder("CASE");
        List<Object> chargeParams = new ArrayList<>();
        List<String> any = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            newCharge.append(" WHEN m").append(i).append(" THEN ").append(widen(c.newCharge(), c.scale(), after));
            chargeParams.addAll(c.chargeParams());
            any.add("m" + i);
        }
        newCharge.append(" ELSE ").append(widen("charge", before, after)).append(" END");
        String touched = String.join(" OR ", any);
        String exclude = String.join(", ", any);
        boolean isExclusion = rule instanceof Rule.Exclusion;
        // the new charge appears twice (charge and lineage): its parameters are bound twice, in that order
        params.addAll(chargeParams);
        params.add(rule.id());
        params.addAll(chargeParams);
        ctes.add(name + " AS (SELECT * EXCLUDE (" + exclude + ") REPLACE ("
                + newCharge + " AS charge, "
                + "CASE WHEN " + touched + " THEN list_append(lineage, {'rule': ?, 'before': " + widen("charge", before, SCALE)
                + ", 'after': " + widen("(" + newCharge + ")", after, SCALE) + "}) ELSE lineage END AS lineage"
                + (isExclusion ? ", excluded OR " + touched + " AS excluded" : "")
                + ") FROM " + marked + ")");
        return name;
    }

    /** A line's charge when it is in the scope of a charge or credit, else 0; NULL for lines of other workflows. */
    private static String addColumn(List<String> ctes, List<Object> params, String prev, String name, SqlFragment guard,
                                    SqlFragment scope, String column) {
        params.addAll(guard.params());
        params.addAll(scope.params());
        ctes.add(name + " AS (SELECT *, CASE WHEN COALESCE(" + guard.sql() + ", FALSE) THEN CASE WHEN COALESCE("
                + scope.sql() + ", FALSE) THEN CAST(charge AS " + MONEY + ") ELSE CAST(0 AS " + MONEY + ") END END AS " + column
                + " FROM " + prev + ")");
        return name;
    }

    /** A rule's scope as SQL. Uplift and discount leave out Tax unless their scope names charge categories. */
    SqlFragment scope(Rule rule) {
        Scope s = rule.scope();
        SqlFragment sql = SqlFragment.TRUE;
        if (!s.services().isEmpty()) {
            SqlFragment byName = SqlFragment.in("service_name", s.services());
            SqlFragment byCode = SqlFragment.in("x_service_code", s.services());
            List<Object> p = new ArrayList<>(byName.params());
            p.addAll(byCode.params());
            sql = sql.and(new SqlFragment("(" + byName.sql() + " OR " + byCode.sql() + ")", p));
        }
        sql = sql.and(SqlFragment.in("service_category", s.categories()))
                .and(SqlFragment.in("x_charge_type", s.chargeTypes()))
                .and(SqlFragment.in("sub_account_id", s.subAccounts()));
        if (!s.chargeCategories().isEmpty()) {
            sql = sql.and(SqlFragment.in("charge_category", s.chargeCategories()));
        } else if (rule instanceof Rule.Uplift || rule instanceof Rule.Discount) {
            sql = sql.and(SqlFragment.of("charge_category IS DISTINCT FROM 'Tax'"));
        }
        if (s.when().isPresent()) {
            PredicateCompiler.Compiled when = predicates.compile(s.when().get());
            sql = sql.and(new SqlFragment(when.sql(), when.params()));
        }
        return sql;
    }
}
