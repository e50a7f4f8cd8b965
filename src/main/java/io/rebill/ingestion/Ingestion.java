package io.rebill.ingestion;

import io.rebill.ingestion.internal.Ingester;
import io.rebill.ingestion.internal.Reconciler;
import io.rebill.ingestion.internal.RemoteSync;
import io.rebill.ingestion.internal.BlobSync;
import io.rebill.ingestion.internal.SourceStore;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The ingestion feature's facade: read provider billing files into a named source, reconcile, and tell other
 * features where the canonical line items of a period are.
 */
public final class Ingestion {
    private final RebillSettings settings;
    private final SourceStore store;

    public Ingestion(RebillSettings settings) {
        this.settings = settings;
        this.store = new SourceStore(settings);
    }

    public RebillSettings settings() {
        return settings;
    }

    /**
     * Reads the files (or folders) into the source. Every billing period found in them replaces that period
     * atomically; periods not in the files are kept. The same files twice change nothing.
     */
    public IngestResult ingest(String source, List<Path> paths, ProgressListener progress) {
        return new Ingester(settings, store).ingest(source, paths, progress);
    }

    /**
     * Fetches the location's files (an Azure Blob container: lists it and downloads what changed, under
     * {@code $REBILL_HOME/downloads/<source>}) and ingests them as {@link #ingest(String, List, ProgressListener)} does.
     */
    public IngestResult ingest(String source, SourceLocation location, ProgressListener progress) {
        SourceStore.checkName(source);
        return ingest(source, location.fetch(settings.home().resolve("downloads").resolve(source)), progress);
    }

    /** Ingests the files of the source's configured location (see {@link #configure}). */
    public IngestResult ingest(String source, ProgressListener progress) {
        return ingest(source, List.of(), progress);
    }

    /**
     * Reads what is new at the location into the source: for a {@link RemoteExport} (S3) each billing period whose
     * newest manifest names objects the source has not ingested yet, downloading nothing else; for an
     * {@link AzureBlobContainer} the latest runs, downloading only blobs whose ETag changed; for any other location
     * its files, as {@link #ingest(String, List, ProgressListener)} does.
     */
    public SyncResult sync(String source, SourceLocation location, ProgressListener progress) {
        if (location instanceof RemoteExport remote) {
            return new RemoteSync(settings, store).sync(source, remote, progress);
        }
        if (location instanceof AzureBlobContainer azure) {
            return new BlobSync(settings, store).sync(source, azure, progress);
        }
        IngestResult result = ingest(source, location.fetch(settings.tempDir()), progress);
        return new SyncResult(source, result.unchanged() ? List.of() : result.periods(),
                result.unchanged() ? result.periods() : List.of(), result.rows(), 0, 0);
    }

    /** Creates the source if new and records where its files are read from. */
    public SourceState configure(String source, SourceLocation location) {
        return store.configure(source, location.describe());
    }

    /** Compares stored sums with the input files' own sums, for one period or all. */
    public ReconciliationReport reconcile(String source, Optional<BillingPeriod> period) {
        return new Reconciler(settings, store).reconcile(source, period);
    }

    /** Removes the source and every period stored for it; an unknown source is a no-op. */
    public void delete(String source) {
        store.delete(source);
    }

    public List<SourceState> sources() {
        return store.all();
    }

    /** The source's state, or empty when nothing was configured or ingested under that name. */
    public Optional<SourceState> find(String name) {
        return store.find(name);
    }

    public SourceState source(String name) {
        return store.get(name);
    }

    /** The Parquet files holding the canonical line items of one stored period. */
    public List<Path> lineItemFiles(String source, BillingPeriod period) {
        return store.files(source, period);
    }
}
