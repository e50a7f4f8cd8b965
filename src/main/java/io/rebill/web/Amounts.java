package io.rebill.web;

import io.rebill.shared.money.DisplayAmounts;

import java.math.BigDecimal;

/**
 * Display formatting for screens, the same as the command line's ({@link DisplayAmounts}): 2 decimals (half up) with
 * thousands separators and, where known, the currency. Exact values stay BigDecimal everywhere else; the API
 * returns them unrounded as strings.
 */
public final class Amounts {
    private Amounts() {
    }

    /** {@code 1234567.895} -> {@code 1,234,567.90}; {@code -0.004} -> {@code 0.00}. */
    public static String display(BigDecimal amount) {
        return DisplayAmounts.display(amount);
    }

    /** {@code (1234.5, "USD")} -> {@code USD 1,234.50}. */
    public static String display(BigDecimal amount, String currency) {
        return DisplayAmounts.display(amount, currency);
    }

    /** {@code 1234567} -> {@code 1,234,567}. */
    public static String count(long n) {
        return DisplayAmounts.count(n);
    }

    /** The exact value as plain digits, e.g. for a tooltip or an API field. */
    public static String exact(BigDecimal amount) {
        return amount.toPlainString();
    }
}
