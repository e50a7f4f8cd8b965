package io.rebill.costs;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Daily-aggregate figures of one period, grouped as asked, exact. {@code cost} (and so the margin) is present only
 * for the MSP: a customer's figures never carry it.
 */
public record CostFigures(BillingPeriod period, List<CostGroup> groups, List<Row> rows) {
    public CostFigures {
        groups = List.copyOf(groups);
        rows = List.copyOf(rows);
    }

    /** One group: its keys in the order of {@code groups} (null where the rows have none). */
    public record Row(List<String> keys, String currency, BigDecimal charge, Optional<BigDecimal> cost) {
        public Row {
            keys = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(keys));
        }

        public Optional<BigDecimal> margin() {
            return cost.map(charge::subtract);
        }
    }

    public BigDecimal totalCharge() {
        return rows.stream().map(Row::charge).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public Optional<BigDecimal> totalCost() {
        return rows.isEmpty() || rows.getFirst().cost().isEmpty() ? Optional.empty()
                : Optional.of(rows.stream().map(r -> r.cost().orElseThrow()).reduce(BigDecimal.ZERO, BigDecimal::add));
    }
}
