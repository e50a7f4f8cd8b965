package io.rebill.ingestion;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A named source (one billing / payer account's files) and what is stored for it. */
public record SourceState(String name, SourceStatus status, String message, Instant updatedAt,
                          List<StoredPeriod> periods) {
    public SourceState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        periods = List.copyOf(periods);
    }

    public Optional<StoredPeriod> period(io.rebill.shared.time.BillingPeriod period) {
        return periods.stream().filter(p -> p.period().equals(period)).findFirst();
    }
}
