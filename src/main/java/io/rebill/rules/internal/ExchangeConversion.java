package io.rebill.rules.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.StoredLines;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.ExchangeRates;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lines in another currency than the MSP's (issue 13 item 6) are converted before anything else of the run reads
 * them: every cost column is multiplied by the MSP's rate for the line's currency and billing period, set-based in
 * the SQL the run reads its lines from, and the line's currency becomes the MSP's. Nothing is rounded here (spec §4:
 * rounding happens once, at invoice lines): the product is kept at the canonical money scale
 * ({@link CanonicalColumn#MONEY_SCALE}, 24 places), exact for stored costs of up to 14 places with rates of up to
 * {@link ExchangeRates#MAX_RATE_SCALE}. A converted line keeps its source currency, the rate and its source costs
 * ({@code x_source_*}), and its lineage starts with the conversion, so explain and the drill-down show the rate used.
 * A period with a line whose currency has no rate is refused, naming the rate to enter.
 */
final class ExchangeConversion {
    private static final String MONEY = "DECIMAL(38," + CanonicalColumn.MONEY_SCALE + ")";
    private static final List<String> CONVERTED = List.of("billed_cost", "effective_cost", "list_cost",
            "contracted_cost", "list_unit_price");
    /** The rule id of the conversion step in a line's lineage. */
    static final String LINEAGE_RULE = "exchange_rate";

    private final ExchangeRates rates;
    private final BillingPeriod period;
    private boolean applied;
    private final Map<String, String> labels = new TreeMap<>();

    ExchangeConversion(ExchangeRates rates, BillingPeriod period) {
        this.rates = rates;
        this.period = period;
    }

    /** Whether {@link #apply} converted lines of another currency (the stored lines' own sums then do not hold). */
    boolean applied() {
        return applied;
    }

    /**
     * The stored lines as the run reads them: {@code stored} itself when every line of the period is in the MSP's
     * currency, else a relation with the converted costs. Reads the period's distinct currencies once.
     */
    StoredLines.Relation apply(Connection duck, StoredLines.Relation stored) throws SQLException {
        Map<String, BigDecimal> needed = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        try (PreparedStatement ps = duck.prepareStatement("SELECT DISTINCT billing_currency FROM " + stored.sql()
                + " WHERE billing_period = ? AND billing_currency IS NOT NULL AND billing_currency <> ?")) {
            ps.setString(1, period.toString());
            ps.setString(2, rates.currency());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String from = rs.getString(1);
                    rates.rate(from, period).ifPresentOrElse(r -> needed.put(from, r), () -> missing.add(from));
                }
            }
        }
        if (!missing.isEmpty()) {
            missing.sort(null);
            throw new RebillException(ErrorCode.BAD_CONFIG, "the lines of " + period + " are in " + String.join(", ", missing)
                    + " but the MSP bills in " + rates.currency() + " and has no exchange rate for " + period + ": enter "
                    + String.join(" and ", missing.stream().map(m -> "the rate from " + m + " to " + rates.currency()
                    + " for " + period).toList()) + " (Settings > Exchange Rates, or PUT /api/v1/exchange_rates/"
                    + missing.getFirst() + "/" + period + ")");
        }
        if (needed.isEmpty()) {
            return stored;
        }
        applied = true;
        needed.forEach((from, r) -> labels.put(from, LINEAGE_RULE + ": 1 " + from + " = " + r.toPlainString() + " "
                + rates.currency() + " (" + period + ")"));
        // codes are validated ISO 4217 capitals and rates validated decimals (ExchangeRates): safe as SQL literals
        StringBuilder rate = new StringBuilder("CASE billing_currency");
        needed.forEach((from, r) -> rate.append(" WHEN '").append(from).append("' THEN CAST(")
                .append(r.toPlainString()).append(" AS DECIMAL(22,").append(ExchangeRates.MAX_RATE_SCALE).append("))"));
        rate.append(" END");
        List<String> replaced = new ArrayList<>();
        for (String column : CONVERTED) {
            replaced.add("CAST(CASE WHEN rb_rate IS NULL THEN " + column + " ELSE " + column + " * rb_rate END AS " + MONEY
                    + ") AS " + column);
        }
        replaced.add("CASE WHEN rb_rate IS NULL THEN billing_currency ELSE '" + rates.currency() + "' END AS billing_currency");
        String sql = "(SELECT * EXCLUDE (rb_rate) REPLACE (" + String.join(", ", replaced) + "),"
                + " CASE WHEN rb_rate IS NOT NULL THEN billing_currency END AS x_source_currency, rb_rate AS x_exchange_rate,"
                + " billed_cost AS x_source_billed_cost, effective_cost AS x_source_effective_cost,"
                + " list_cost AS x_source_list_cost"
                + " FROM (SELECT *, " + rate + " AS rb_rate FROM " + stored.sql() + "))";
        return new StoredLines.Relation(sql, CanonicalColumn.MONEY_SCALE);
    }

    /**
     * A line's lineage as the run starts it: empty, or (line by line, when lines were converted) the conversion
     * step with the cost on the workflow's {@code basis} before (source currency) and after (MSP's currency).
     */
    String initialLineage(String basis, boolean grouped, String money) {
        String empty = "CAST([] AS STRUCT(rule VARCHAR, before " + money + ", after " + money + ")[])";
        if (!applied || grouped) {
            return empty;
        }
        String before = basis.replaceAll("\\b(billed_cost|effective_cost|list_cost)\\b", "x_source_$1");
        StringBuilder label = new StringBuilder("CASE x_source_currency");
        labels.forEach((from, text) -> label.append(" WHEN '").append(from).append("' THEN '").append(text).append("'"));
        label.append(" END");
        return "CASE WHEN x_exchange_rate IS NULL THEN " + empty + " ELSE [{'rule': " + label
                + ", 'before': CAST(COALESCE(" + before + ", 0) AS " + money + "), 'after': CAST(COALESCE(" + basis
                + ", 0) AS " + money + ")}] END";
    }
}
