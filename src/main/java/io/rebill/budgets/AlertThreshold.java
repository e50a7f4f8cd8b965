package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * An alert of a budget: when the month's actual figure (or its forecast for the month's end) reaches {@code percent}
 * of the budget's amount. Fires once per budget, threshold and month.
 */
public record AlertThreshold(Basis basis, BigDecimal percent) {
    public enum Basis {
        ACTUAL, FORECAST;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Basis parse(String value) {
            return switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
                case "actual" -> ACTUAL;
                case "forecast" -> FORECAST;
                default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "an alert's basis must be actual or"
                        + " forecast, not '" + value + "'");
            };
        }
    }

    private static final BigDecimal MAX = new BigDecimal("1000");

    public AlertThreshold {
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(percent, "percent");
        if (percent.signum() <= 0 || percent.compareTo(MAX) > 0 || percent.scale() > 2) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "an alert's percent must be above 0 and at most 1000,"
                    + " with at most two decimals, not " + percent.toPlainString());
        }
        percent = percent.stripTrailingZeros();
        if (percent.scale() < 0) {
            percent = percent.setScale(0);
        }
    }

    /** The figure at which it fires: {@code amount x percent / 100}, exact. */
    public BigDecimal level(BigDecimal amount) {
        return amount.multiply(percent).movePointLeft(2);
    }

    /** "80 % of actual", "100 % of forecast". */
    public String label() {
        return percent.toPlainString() + " % of " + basis.key();
    }
}
