package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A billing export in object storage whose manifests say which files make each billing period (an S3 bucket today;
 * an Azure Blob container is added the same way: a record implementing this interface whose {@link Session} lists
 * and downloads blobs, docs/ingestion.md). A sync ({@link Ingestion#sync}) asks for the newest manifest of each
 * period, compares it with what the source last ingested and downloads only the periods that changed.
 */
public interface RemoteExport extends SourceLocation {

    /** Opens a client for the export (one per sync); close it when done. */
    Session connect();

    /** A connected client of the export. */
    interface Session extends AutoCloseable {
        /** The newest manifest of each billing period in the export, oldest period first. */
        List<Manifest> manifests();

        /** The data files the manifest lists, with each object's ETag and size as the store has them now. */
        RemotePeriod read(Manifest manifest);

        /** Downloads one object to {@code target}, refusing it when it is no longer the listed version (ETag). */
        void download(RemoteObject object, Path target);

        @Override
        void close();
    }

    /** One manifest object: the billing period it describes, its key and ETag (what a sync remembers). */
    record Manifest(BillingPeriod period, String key, String etag, Instant modified) {
    }

    /**
     * Downloads every period's files into {@code workDir}: for a one-off ingest. {@link Ingestion#sync} is the way
     * that reads each object only once.
     */
    @Override
    default List<Path> fetch(Path workDir) {
        List<Path> files = new ArrayList<>();
        try (Session session = connect()) {
            for (Manifest m : session.manifests()) {
                RemotePeriod period = session.read(m);
                for (int i = 0; i < period.objects().size(); i++) {
                    RemoteObject o = period.objects().get(i);
                    Path target = workDir.resolve(period.period().toString()).resolve(i + "-" + o.fileName());
                    session.download(o, target);
                    files.add(target);
                }
            }
        }
        return files;
    }
}
