package io.rebill.ingestion;

import java.util.Objects;

/** One provider file that went into a stored period, identified by content, so re-ingesting it is recognised. */
public record InputFile(String path, String sha256, long bytes) {
    public InputFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
    }
}
