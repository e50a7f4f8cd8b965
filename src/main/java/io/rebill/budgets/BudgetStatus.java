package io.rebill.budgets;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * A budget in one month: the figure so far (from the latest run of the period), the forecast for the month's end
 * (docs/costs.md's method; empty before a complete day) and the alerts that fired.
 */
public record BudgetStatus(Budget budget, BillingPeriod period, BigDecimal monthToDate, Optional<BigDecimal> forecast,
                           boolean monthComplete, List<FiredAlert> fired) {

    public record FiredAlert(AlertThreshold threshold, BigDecimal figure, java.time.Instant firedAt) {
    }

    /** Month to date as a percentage of the budget, one decimal (half up). */
    public BigDecimal percentUsed() {
        return percentOf(monthToDate);
    }

    public Optional<BigDecimal> forecastPercent() {
        return forecast.map(this::percentOf);
    }

    private BigDecimal percentOf(BigDecimal figure) {
        return figure.multiply(BigDecimal.valueOf(100)).divide(budget.amount(), 1, RoundingMode.HALF_UP);
    }
}
