package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One billing period of one source as currently stored: which generation of Parquet files holds it, which input
 * files produced it, and its reconciled sums.
 */
public record StoredPeriod(BillingPeriod period, String generation, Instant ingestedAt, List<InputFile> inputs,
                           CostSums sums) {
    public StoredPeriod {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(ingestedAt, "ingestedAt");
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(sums, "sums");
    }
}
