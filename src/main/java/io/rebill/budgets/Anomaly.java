package io.rebill.budgets;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A service's daily figure that left its trailing baseline (docs/budgets.md): the day's amount, the mean of the 14
 * days before it and their standard deviation.
 */
public record Anomaly(String service, LocalDate day, String currency, BigDecimal amount, BigDecimal baseline,
                      BigDecimal deviation) {
    public BigDecimal change() {
        return amount.subtract(baseline);
    }
}
