package io.rebill.ingestion;

import java.util.Objects;

/** One object of a remote export as listed: key, ETag and size, which together say whether it was read before. */
public record RemoteObject(String key, String etag, long size) {
    public RemoteObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
    }

    /** The last part of the key, which keeps the file's extension (.csv.gz, .parquet) for the format sniffer. */
    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
