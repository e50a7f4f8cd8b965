package io.rebill.web.costs;

import io.rebill.shared.time.BillingPeriod;
import io.rebill.web.Amounts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/** How the home pages write amounts (USD 12,345.67), dates (6 Dec 2026), periods (October 2026) and changes. */
final class Display {
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    private Display() {
    }

    static String money(BigDecimal amount, String currency) {
        return currency + " " + Amounts.display(amount);
    }

    static String day(LocalDate date) {
        return DAY.format(date);
    }

    static String period(BillingPeriod p) {
        return p.month().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + p.month().getYear();
    }

    /** {@code +12.3 %} of {@code before}; empty when there is nothing to compare with. */
    static String change(BigDecimal now, BigDecimal before) {
        if (before.signum() == 0) {
            return "";
        }
        BigDecimal pct = now.subtract(before).multiply(BigDecimal.valueOf(100)).divide(before.abs(), 1, RoundingMode.HALF_UP);
        return (pct.signum() > 0 ? "+" : "") + pct.toPlainString() + " %";
    }

    /** {@code 9.6 %}: {@code part} as a percentage of {@code whole} (not zero), one decimal, half-up. */
    static String percent(BigDecimal part, BigDecimal whole) {
        return part.multiply(BigDecimal.valueOf(100)).divide(whole.abs(), 1, RoundingMode.HALF_UP).toPlainString() + " %";
    }
}
