package io.rebill.ingestion.internal;

/** How a billing file is stored on disk, told by its first bytes, never by its name. */
enum Container {
    CSV, GZIP_CSV, PARQUET
}
