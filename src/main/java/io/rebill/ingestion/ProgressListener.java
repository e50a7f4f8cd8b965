package io.rebill.ingestion;

/** Receives progress of a long ingest, about once a second and at each file boundary. */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(IngestProgress progress);

    static ProgressListener silent() {
        return p -> { };
    }
}
