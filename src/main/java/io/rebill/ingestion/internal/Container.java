package io.rebill.ingestion.internal;

/** How a billing file is stored on disk, told by its first bytes, never by its name. */
enum Container {
    CSV, GZIP_CSV, PARQUET,
    /** JSON lines: one record per line (Google Cloud's BigQuery export), its nested records flattened to dotted names. */
    JSON_LINES;

    /** Whether the file's columns are typed by the file (read with DuckDB's types), not text to parse. */
    boolean typed() {
        return this == PARQUET || this == JSON_LINES;
    }
}
