package io.rebill.ingestion.internal;

import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.RemoteExport;
import io.rebill.ingestion.RemoteObject;
import io.rebill.ingestion.RemotePeriod;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.SyncResult;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One sync of a remote export into a source. For each billing period it takes the newest manifest; a manifest
 * already read (same key and ETag) or one that names the same objects (key, ETag, size) as the period's last ingest
 * downloads nothing. Any other period's files are downloaded into a folder of their own and ingested as a folder is,
 * so a restated month replaces the stored one atomically, and the ledger ({@code remote.json} beside the source's
 * state) remembers what was read only once the ingest has committed. A failure leaves the stored periods and the
 * ledger as they were and puts the source in status ERROR with the reason.
 */
public final class RemoteSync {
    private static final Logger log = LoggerFactory.getLogger(RemoteSync.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the source last ingested of one period. */
    record Read(String manifestKey, String manifestEtag, String version, List<RemoteObject> objects) {
    }

    record Ledger(Map<String, Read> periods) {
    }

    private final RebillSettings settings;
    private final SourceStore store;

    public RemoteSync(RebillSettings settings, SourceStore store) {
        this.settings = settings;
        this.store = store;
    }

    public SyncResult sync(String source, RemoteExport export, ProgressListener progress) {
        SourceStore.checkName(source);
        Path ledgerFile = store.dir(source).resolve("remote.json");
        Ledger ledger = readLedger(ledgerFile);
        List<BillingPeriod> ingested = new ArrayList<>();
        List<BillingPeriod> unchanged = new ArrayList<>();
        int objects = 0;
        long rows = 0;
        long bytes = 0;
        try (RemoteExport.Session session = export.connect()) {
            for (RemoteExport.Manifest manifest : session.manifests()) {
                String period = manifest.period().toString();
                Read last = ledger.periods().get(period);
                if (last != null && last.manifestKey().equals(manifest.key()) && last.manifestEtag().equals(manifest.etag())) {
                    unchanged.add(manifest.period());
                    continue;
                }
                RemotePeriod files = session.read(manifest);
                Read read = new Read(manifest.key(), manifest.etag(), files.version(), files.objects());
                if (last != null && new HashSet<>(last.objects()).equals(new HashSet<>(files.objects()))) {
                    ledger.periods().put(period, read);
                    writeLedger(ledgerFile, ledger);
                    unchanged.add(manifest.period());
                    continue;
                }
                Path folder = settings.tempDir().resolve("sync-" + UUID.randomUUID());
                try {
                    for (int i = 0; i < files.objects().size(); i++) {
                        RemoteObject o = files.objects().get(i);
                        // numbered, so two parts of the same name in different folders stay two files
                        session.download(o, folder.resolve(i + "-" + o.fileName()));
                        objects++;
                        bytes += o.size();
                    }
                    log.info("source {}: {} version {} downloaded ({} files), ingesting", source, period,
                            files.version(), files.objects().size());
                    rows += new Ingester(settings, store).ingest(source, List.of(folder), progress).rows();
                } finally {
                    Trees.delete(folder);
                }
                ledger.periods().put(period, read);
                writeLedger(ledgerFile, ledger);
                ingested.add(manifest.period());
            }
        } catch (RebillException e) {
            // the Ingester records its own failures; listing, manifest and download failures are recorded here
            markFailed(source, e.getMessage());
            throw e;
        }
        if (ingested.isEmpty()) {
            try (SourceStore.Lock ignored = store.lock(source)) {
                SourceState state = store.getOrNew(source);
                store.commit(state.stable(state.periods()));
            }
        }
        return new SyncResult(source, ingested, unchanged, rows, objects, bytes);
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

    private static Ledger readLedger(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Ledger(new TreeMap<>());
        }
        try {
            Ledger read = JSON.readValue(file.toFile(), Ledger.class);
            return new Ledger(new TreeMap<>(read.periods()));
        } catch (RuntimeException e) {
            // a damaged ledger only costs downloads: the ingest still recognises files it already stored
            log.warn("{} is not readable ({}); every period will be downloaded again", file, e.getMessage());
            return new Ledger(new TreeMap<>());
        }
    }

    private static void writeLedger(Path file, Ledger ledger) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(tmp.toFile(), ledger);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            throw new io.rebill.shared.errors.RebillException(io.rebill.shared.errors.ErrorCode.STORAGE_FAILED,
                    "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
