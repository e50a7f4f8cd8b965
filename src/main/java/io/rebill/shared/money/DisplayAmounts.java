package io.rebill.shared.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How a person reads an amount, in pages and in the command line's tables: rounded half-up to cents, thousands
 * separators, the currency code in front ({@code USD 12,345.67}). Display only: files, CSV, JSON and the API keep
 * the exact decimals. Built on the decimal digits themselves, so no {@code double} and no locale is involved (the
 * same text on every machine).
 */
public final class DisplayAmounts {
    private DisplayAmounts() {
    }

    /** {@code 1234567.895} -> {@code 1,234,567.90}; {@code -0.004} -> {@code 0.00}. */
    public static String display(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(2, RoundingMode.HALF_UP);
        String digits = rounded.abs().toPlainString();
        int dot = digits.indexOf('.');
        return (rounded.signum() < 0 ? "-" : "") + group(digits.substring(0, dot)) + digits.substring(dot);
    }

    /** {@code (1234.5, "USD")} -> {@code USD 1,234.50}; {@code (-3, "EUR")} -> {@code EUR -3.00}. */
    public static String display(BigDecimal amount, String currency) {
        return currency == null || currency.isBlank() ? display(amount) : currency.strip() + " " + display(amount);
    }

    /** {@code 1234567} -> {@code 1,234,567}. */
    public static String count(long n) {
        String digits = Long.toString(n);
        return n < 0 ? "-" + group(digits.substring(1)) : group(digits);
    }

    /** A percentage with two decimals and separators, {@code 12.345} -> {@code 12.35 %}. */
    public static String percent(BigDecimal percent) {
        return display(percent) + " %";
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
