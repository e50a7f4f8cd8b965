package io.rebill.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Display formatting for screens only: 2 decimals (half up) with thousands separators. Exact values stay
 * BigDecimal everywhere else; the API returns them unrounded as strings. Built on the decimal digits themselves,
 * so no {@code double} is ever involved.
 */
public final class Amounts {
    private Amounts() {
    }

    /** {@code 1234567.895} -> {@code 1,234,567.90}; {@code -0.004} -> {@code 0.00}. */
    public static String display(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(2, RoundingMode.HALF_UP);
        String digits = rounded.abs().toPlainString();
        int dot = digits.indexOf('.');
        return (rounded.signum() < 0 ? "-" : "") + group(digits.substring(0, dot)) + digits.substring(dot);
    }

    /** {@code 1234567} -> {@code 1,234,567}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The exact value as plain digits, e.g. for a tooltip or an API field. */
    public static String exact(BigDecimal amount) {
        return amount.toPlainString();
    }

    private static String group(String wholeDigits) {
        StringBuilder sb = new StringBuilder(wholeDigits.length() + wholeDigits.length() / 3);
        int lead = wholeDigits.length() % 3 == 0 ? 3 : wholeDigits.length() % 3;
        sb.append(wholeDigits, 0, lead);
        for (int i = lead; i < wholeDigits.length(); i += 3) {
            sb.append(',').append(wholeDigits, i, i + 3);
        }
        return sb.toString();
    }
}
