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
