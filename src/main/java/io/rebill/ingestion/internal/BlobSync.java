package io.rebill.ingestion.internal;

import io.rebill.ingestion.AzureBlobContainer;
import io.rebill.ingestion.IngestResult;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.SyncResult;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A sync of an Azure Blob export (an integration's Sync now, and its schedule): downloads into
 * {@code $REBILL_HOME/downloads/<source>/} only the blobs whose ETag changed, beside the copies kept from earlier syncs,
 * and ingests the latest runs; the same blobs again store nothing. A listing or download that fails puts the source in
 * status ERROR with the reason, the stored periods as they were (the ingest records its own failures).
 */
public final class BlobSync {
    private static final Logger log = LoggerFactory.getLogger(BlobSync.class);

    private final RebillSettings settings;
    private final SourceStore store;

    public BlobSync(RebillSettings settings, SourceStore store) {
        this.settings = settings;
        this.store = store;
    }

    public SyncResult sync(String source, AzureBlobContainer location, ProgressListener progress) {
        SourceStore.checkName(source);
        AzureBlobFetch.Fetched fetched;
        try {
            fetched = AzureBlobFetch.fetchCounting(location, settings.home().resolve("downloads").resolve(source));
        } catch (RebillException e) {
            markFailed(source, e.getMessage());
            throw e;
        }
        IngestResult result = new Ingester(settings, store).ingest(source, fetched.files(), progress);
        return new SyncResult(source, result.unchanged() ? List.of() : result.periods(),
                result.unchanged() ? result.periods() : List.of(), result.rows(), fetched.downloaded(), fetched.bytes());
    }

    private void markFailed(String source, String why) {
        try (SourceStore.Lock ignored = store.lock(source)) {
            SourceState state = store.getOrNew(source);
            if (!why.equals(state.message())) {
                store.commit(state.failed(why));
            }
        } catch (RebillException e) {
            log.warn("source {}: cannot record the failed sync: {}", source, e.getMessage());
        }
    }
}
