package io.rebill.budgets;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A service's daily figure that left its trailing baseline (docs/budgets.md): the day's amount, the median of the
 * 28 days before it (0 for a new service) and their robust spread (1.4826 x the median absolute deviation).
 */
public record Anomaly(String service, LocalDate day, String currency, BigDecimal amount, BigDecimal baseline,
                      BigDecimal deviation) {
    public BigDecimal change() {
        return amount.subtract(baseline);
    }
}
