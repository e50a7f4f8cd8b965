package io.rebill.costs;

import io.rebill.ingestion.CostBasis;
import io.rebill.shared.time.BillingPeriod;

import java.util.List;
import java.util.Objects;

/** Costs of some sources for one billing period, grouped by the given dimensions, on one cost basis. */
public record CostRequest(List<String> sources, BillingPeriod period, List<CostDimension> groupBy, CostBasis basis) {
    public CostRequest {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("name at least one source");
        }
        Objects.requireNonNull(period, "period");
        groupBy = List.copyOf(groupBy);
        Objects.requireNonNull(basis, "basis");
    }
}
