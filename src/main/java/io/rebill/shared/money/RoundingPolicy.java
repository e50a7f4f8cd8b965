package io.rebill.shared.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * The one place where money is rounded (spec §4): an invoice line, to the currency's minor unit, half-up.
 * Everything before it stays exact.
 */
public final class RoundingPolicy {
    private RoundingPolicy() {
    }

    /**
     * Starts, once per process, a daemon thread that makes the first rounding cheap: {@link Currency}'s table (read
     * from the JDK's data file on first use) and the decimal arithmetic's classes, about 20-30 ms of a cold JVM that a
     * bill run would otherwise spend after its statements, while it assembles its invoices (docs/benchmarks.md,
     * "Billing in the product", session 14). The bill calls it as it starts, beside DuckDB's own warm-up.
     */
    public static void warmUp() {
        io.rebill.shared.WarmUp.once("rounding-warm-up", () -> invoiceLine(new BigDecimal("1.005").add(BigDecimal.ONE)
                .multiply(new BigDecimal("0.98")), "USD"));
    }

    public static int minorUnitDigits(String currency) {
        try {
            int digits = Currency.getInstance(currency).getDefaultFractionDigits();
            return digits < 0 ? 2 : digits;
        } catch (IllegalArgumentException | NullPointerException e) {
            return 2;
        }
    }

    public static BigDecimal invoiceLine(BigDecimal exact, String currency) {
        return exact.setScale(minorUnitDigits(currency), RoundingMode.HALF_UP);
    }
}
