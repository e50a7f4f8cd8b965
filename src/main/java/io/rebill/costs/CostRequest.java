package io.rebill.costs;

import io.rebill.ingestion.CostBasis;
import io.rebill.shared.time.BillingPeriod;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Costs of some sources for one billing period, grouped by the given dimensions, on one cost basis. */
public record CostRequest(List<String> sources, BillingPeriod period, List<CostDimension> groupBy, CostBasis basis,
                          Optional<Set<String>> subAccounts) {
    public CostRequest(List<String> sources, BillingPeriod period, List<CostDimension> groupBy, CostBasis basis) {
        this(sources, period, groupBy, basis, Optional.empty());
    }

    /** Only the lines of these linked accounts: what a customer sees of an MSP's consolidated source. */
    public CostRequest onlySubAccounts(Set<String> accounts) {
        return new CostRequest(sources, period, groupBy, basis, Optional.of(accounts));
    }

    public CostRequest {
        subAccounts = subAccounts.map(Set::copyOf);
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("name at least one source");
        }
        Objects.requireNonNull(period, "period");
        groupBy = List.copyOf(groupBy);
        Objects.requireNonNull(basis, "basis");
    }
}
