package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;

import java.util.List;

/**
 * What a sync of a remote export did: the billing periods it ingested (new or restated), those whose manifest named
 * the same objects as last time (nothing downloaded), the line items read, and how much it downloaded.
 */
public record SyncResult(String source, List<BillingPeriod> ingested, List<BillingPeriod> unchanged, long rows,
                         int objectsDownloaded, long bytesDownloaded) {
    public SyncResult {
        ingested = List.copyOf(ingested);
        unchanged = List.copyOf(unchanged);
    }

    public boolean changedAnything() {
        return !ingested.isEmpty();
    }
}
