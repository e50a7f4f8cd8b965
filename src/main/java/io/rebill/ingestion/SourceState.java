package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named source (one billing / payer account's files) and what is stored for it.
 *
 * @param folder where the source's files are read from when an ingest names no paths; null when not configured
 */
public record SourceState(String name, String folder, SourceStatus status, String message, Instant updatedAt,
                          List<StoredPeriod> periods) {
    public SourceState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        periods = List.copyOf(periods);
    }

    public static SourceState created(String name) {
        return new SourceState(name, null, SourceStatus.NEW, null, Instant.now(), List.of());
    }

    /** A failed ingest keeps every stored period and records why it failed. */
    public SourceState failed(String why) {
        return new SourceState(name, folder, SourceStatus.ERROR, why, Instant.now(), periods);
    }

    /** A good ingest (or a recognised repeat of one) with the periods now stored. */
    public SourceState stable(List<StoredPeriod> current) {
        return new SourceState(name, folder, SourceStatus.STABLE, null, Instant.now(), current);
    }

    public SourceState readingFrom(String newFolder) {
        return new SourceState(name, newFolder, status, message, Instant.now(), periods);
    }

    public Optional<StoredPeriod> period(BillingPeriod period) {
        return periods.stream().filter(p -> p.period().equals(period)).findFirst();
    }
}
