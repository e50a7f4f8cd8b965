package io.rebill.shared.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;
import java.util.Optional;

/**
 * The forecast of a month's charge at its end (docs/costs.md; the home pages and budgets share it): when the month
 * is over, its figure. Otherwise the usage of the complete days (day 1 up to the day before the latest day with data, which may still be filling) per
 * day, times the days of the month, plus the month's charges and credits (added once, on its first day, so they are
 * not extrapolated). With no complete day yet there is no forecast.
 *
 * @param usageByDay the customer's usage charge per day (no charges or credits)
 * @param addedLines the month's charges and credits
 */
public record Forecast(YearMonth month, Map<LocalDate, BigDecimal> usageByDay, BigDecimal addedLines, LocalDate today) {

    public Optional<BigDecimal> value() {
        BigDecimal all = usageByDay.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add).add(addedLines);
        if (today.isAfter(month.atEndOfMonth())) {
            return Optional.of(all);
        }
        Optional<LocalDate> latest = usageByDay.keySet().stream().max(LocalDate::compareTo);
        if (latest.isEmpty() || latest.get().getDayOfMonth() < 2) {
            return Optional.empty();
        }
        int complete = latest.get().getDayOfMonth() - 1;
        BigDecimal usage = usageByDay.entrySet().stream().filter(e -> e.getKey().getDayOfMonth() <= complete)
                .map(Map.Entry::getValue).reduce(BigDecimal.ZERO, BigDecimal::add);
        return Optional.of(usage.multiply(BigDecimal.valueOf(month.lengthOfMonth()))
                .divide(BigDecimal.valueOf(complete), 10, RoundingMode.HALF_UP).add(addedLines));
    }

    /** Whether the month is over (the forecast is then the month's own figure). */
    public boolean complete() {
        return today.isAfter(month.atEndOfMonth());
    }
}
