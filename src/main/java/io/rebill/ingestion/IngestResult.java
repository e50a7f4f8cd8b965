package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;

import java.time.Duration;
import java.util.List;

/**
 * What an ingest did. {@code unchanged} is true when the same files had already produced the stored periods, in
 * which case nothing was written. {@code skipped} names files that were found but not read (not billing data, or
 * not listed by the folder's CUR manifest).
 */
public record IngestResult(String source, List<BillingPeriod> periods, long rows, long bytes, Duration took,
                           boolean unchanged, List<String> skipped, ReconciliationReport reconciliation) {
    public IngestResult {
        periods = List.copyOf(periods);
        skipped = List.copyOf(skipped);
    }
}
