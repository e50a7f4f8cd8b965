package io.rebill.shared.time;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** A provider billing period: one calendar month, written YYYY-MM (spec §1). */
public record BillingPeriod(YearMonth month) implements Comparable<BillingPeriod> {
    public BillingPeriod {
        Objects.requireNonNull(month, "month");
    }

    public static BillingPeriod parse(String text) {
        try {
            return new BillingPeriod(YearMonth.parse(text.trim()));
        } catch (DateTimeParseException | NullPointerException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT,
                    "billing period '" + text + "' is not of the form YYYY-MM, e.g. 2024-09");
        }
    }

    @Override
    public int compareTo(BillingPeriod other) {
        return month.compareTo(other.month);
    }

    @Override
    public String toString() {
        return month.toString();
    }
}
