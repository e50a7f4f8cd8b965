package io.rebill.rules.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The unit prices of a customer's FOCUS 1.2 file, derived so that FOCUS's product rules hold (issue 12 item 8):
 * "the product of ContractedUnitPrice and PricingQuantity MUST match the ContractedCost" and the same for
 * ListUnitPrice and ListCost (FOCUS 1.2, columns/contractedunitprice.md and listcost.md; requirements model rules
 * ContractedUnitPrice-C-011-C and ListCost-C-009-C). After the MSP's rules a line's contracted cost is the customer's
 * charge, which is no published price times the quantity; so the unit price is the cost divided by the pricing
 * quantity.
 * <p>
 * An exact decimal quotient: DuckDB divides DECIMALs in floating point, so the division is done here on 128-bit
 * integers (HUGEINT), the cost and the quantity read as integers of their 24th decimal place. The quotient is rounded
 * half-up at 24 places ({@link #SCALE}), the precision this file documents for its unit prices (FOCUS leaves the
 * precision to the provider and asks that it be documented: attributes/numeric_format.md, "Numeric Precision"); so
 * unit price x quantity matches the cost to within half a unit of the price's 24th place times the quantity, which is
 * what {@link FocusConformance} checks. {@code FocusUnitPricesTest} holds the SQL to
 * {@link java.math.BigDecimal#divide(java.math.BigDecimal, int, java.math.RoundingMode)}.
 * <p>
 * Long division: with the quantity's integer {@code q} below 10^26, each remainder times 10^12 stays below 10^38,
 * inside a HUGEINT; a larger quantity drops 3 to 12 trailing zeros of its 24 places first (so a quantity keeps at
 * most 26 significant digits; an input gives at most 17 or 20). Each digit chunk is estimated in floating point and
 * then made exact by an integer multiplication and a correction of one (see {@link #chunk}): HUGEINT's own division
 * loops over the quotient's bits and was 15 times slower. No DOUBLE reaches a price. Null when no non-negative price
 * fits: a zero quantity, a cost and a quantity of opposite signs (a discount in a row of its own), or a price of
 * 10^14 or more.
 */
public final class FocusUnitPrices {
    private FocusUnitPrices() {
    }

    /** The scale of the unit prices: DECIMAL(38,24), the file's decimal type. */
    public static final int SCALE = 24;
    private static final int[] DROPPED = {0, 3, 6, 9, 12};

    /**
     * SQL for the integer of a DECIMAL(38,24) value's 24th place ({@code value} x 10^24 as a HUGEINT), exact for any
     * value the type holds: DuckDB writes a DECIMAL(38,24) with all its 24 places, so its text without the point is
     * that integer. (Twice as fast here as taking it apart with trunc and casts, which check each step for overflow.)
     */
    public static String units(String value) {
        return "CAST(" + digits(value) + " AS HUGEINT)";
    }

    /** The digits (and sign) of a DECIMAL(38,24) value without its point: the text of {@link #units}. */
    private static String digits(String value) {
        return "replace(CAST(CAST(" + value + " AS DECIMAL(38,24)) AS VARCHAR), '.', '')";
    }

    /**
     * {@code source} (anything a FROM takes) with one more DECIMAL(38,24) column per entry of {@code prices}: the cost
     * column named by the key divided by {@code quantity}, rounded half-up at 24 places, named by the value; NULL when
     * no non-negative price fits (see the class comment). Each step is a projection of its own, so that every
     * intermediate integer is computed once per line (DuckDB does not share repeated expressions inside CASE).
     */
    public static String withPrices(String source, String quantity, Map<String, String> prices) {
        List<String> temporary = new ArrayList<>(List.of("rb_qt", "rb_qu", "rb_b", "rb_bt", "rb_q", "rb_p"));
        StringBuilder units = new StringBuilder("SELECT *, " + digits(quantity) + " AS rb_qt");
        StringBuilder split = new StringBuilder("SELECT *, abs(rb_qu) AS rb_b");
        List<StringBuilder> steps = new ArrayList<>();
        for (int s = 0; s < 7; s++) {
            steps.add(new StringBuilder("SELECT *"));
        }
        int i = 0;
        for (Map.Entry<String, String> e : prices.entrySet()) {
            String n = "rb_n" + i++;
            temporary.addAll(List.of(n, n + "_w", n + "_m1", n + "_d1e", n + "_r1e", n + "_d1", n + "_r1", n + "_m2", n + "_d2e",
                    n + "_r2e", n + "_d2", n + "_r2", n + "_u"));
            units.append(", ").append(units(e.getKey())).append(" AS ").append(n);
            // the whole part (k places) and the remainder times 10^12
            // (a quotient below 10^15 as a chunk is, estimated and corrected; a larger one by HUGEINT's division)
            String a = "abs(" + n + ")";
            String estimate = "CAST(floor(CAST(" + a + " AS DOUBLE) / CAST(rb_q AS DOUBLE)) AS HUGEINT)";
            String w = "CASE WHEN CAST(" + a + " AS DOUBLE) / CAST(rb_q AS DOUBLE) < 1e15 THEN " + estimate + " + CASE WHEN "
                    + a + " - " + estimate + " * rb_q < 0 THEN -1 WHEN " + a + " - " + estimate + " * rb_q >= rb_q THEN 1"
                    + " ELSE 0 END ELSE " + a + " // rb_q END";
            steps.get(0).append(", CASE WHEN rb_q IS NOT NULL AND (").append(n).append(" >= 0) = (rb_qu > 0) OR ")
                    .append(n).append(" = 0 THEN ").append(w).append(" END AS ").append(n).append("_w");
            steps.get(1).append(", (abs(").append(n).append(") - ").append(n).append("_w * rb_q) * ").append(pow(12))
                    .append(" AS ").append(n).append("_m1");
            // 12 more places, then 12 - k: each digit chunk (below 10^12) estimated and corrected exactly
            chunk(steps.get(2), steps.get(3), n + "_m1", n + "_d1");
            steps.get(4).append(", ").append(n).append("_r1 * rb_p AS ").append(n).append("_m2");
            chunk(steps.get(4), steps.get(5), n + "_m2", n + "_d2");
            // the price in units of its 24th place, rounded half-up on the last remainder; 10^14 or more does not fit
            // as two exact decimals, without dividing: the whole part's k places, then the other 24 - k (plus the rounding)
            steps.get(6).append(", CASE WHEN ").append(n).append("_w * rb_p < ").append(pow(26)).append(" THEN CAST(CAST(")
                    .append(n).append("_w * rb_p AS DECIMAL(38,0)) * CAST('0.000000000001' AS DECIMAL(38,12)) AS DECIMAL(38,24))"
                            + " + CAST(").append(n).append("_d1 * rb_p + ").append(n).append("_d2 + CASE WHEN 2 * ").append(n)
                    .append("_r2 >= rb_q THEN 1 ELSE 0 END AS DECIMAL(38,0)) * CAST('0.000000000000000000000001' AS"
                            + " DECIMAL(38,24)) END AS ").append(n).append("_u");
        }
        // a quantity of 10^26 units or more drops k trailing zeros first, so that remainders x 10^12 fit a HUGEINT; the
        // zeros are read off its digits (a HUGEINT division by 10^k, even by a constant, loops over bits: 3 times the
        // whole price's time for quantities of 100 or more)
        StringBuilder q = new StringBuilder("CASE");
        StringBuilder p = new StringBuilder("CASE");
        for (int k : DROPPED) {
            String when = " WHEN rb_b < " + pow(26 + k) + (k > 0 ? " AND right(rb_bt, " + k + ") = '" + "0".repeat(k) + "'" : "")
                    + " AND rb_b <> 0";
            q.append(when).append(" THEN ").append(k == 0 ? "rb_b" : "CAST(left(rb_bt, length(rb_bt) - " + k + ") AS HUGEINT)");
            p.append(when).append(" THEN ").append(pow(12 - k));
        }
        split.append(", ").append(q).append(" END AS rb_q, ").append(p).append(" END AS rb_p");
        StringBuilder prices24 = new StringBuilder("SELECT * EXCLUDE (" + String.join(", ", temporary) + ")");
        i = 0;
        for (String name : prices.values()) {
            prices24.append(", rb_n").append(i++).append("_u AS ").append(name);
        }
        String sql = "(" + units + " FROM " + source + ")";
        sql = "(SELECT *, CAST(rb_qt AS HUGEINT) AS rb_qu, ltrim(rb_qt, '-') AS rb_bt FROM " + sql + ")";
        sql = "(" + split + " FROM " + sql + ")";
        for (StringBuilder step : steps) {
            sql = "(" + step + " FROM " + sql + ")";
        }
        return prices24 + " FROM " + sql;
    }

    /**
     * One digit chunk of the long division, {@code m} // rb_q below 10^12, without HUGEINT's division (a loop over
     * the quotient's bits, 15 times slower here): a floating-point estimate, exact to within one (a DOUBLE's 53 bits
     * carry a quotient below 10^12 with an error under 10^-3), then corrected with an exact multiplication, so that
     * the remainder {@code d}_r ends in [0, rb_q) and the digit {@code d} is exact.
     */
    private static void chunk(StringBuilder estimate, StringBuilder correct, String m, String d) {
        estimate.append(", CAST(floor(CAST(").append(m).append(" AS DOUBLE) / CAST(rb_q AS DOUBLE)) AS HUGEINT) AS ")
                .append(d).append("e, ").append(m).append(" - CAST(floor(CAST(").append(m)
                .append(" AS DOUBLE) / CAST(rb_q AS DOUBLE)) AS HUGEINT) * rb_q AS ").append(d.replace("_d", "_r")).append("e");
        String r = d.replace("_d", "_r");
        correct.append(", ").append(d).append("e + CASE WHEN ").append(r).append("e < 0 THEN -1 WHEN ").append(r)
                .append("e >= rb_q THEN 1 ELSE 0 END AS ").append(d).append(", ").append(r).append("e + CASE WHEN ")
                .append(r).append("e < 0 THEN rb_q WHEN ").append(r).append("e >= rb_q THEN -rb_q ELSE 0 END AS ").append(r);
    }

    private static String pow(int exponent) {
        return "CAST('" + BigInteger.TEN.pow(exponent) + "' AS HUGEINT)";
    }
}
