package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a source's billing files come from. The local folder is the first implementation; an S3 bucket prefix will
 * be the next (it lists the report and downloads its files into {@code workDir}, since DuckDB's httpfs is not
 * available here).
 */
public interface SourceLocation {
    /** Human-readable place, stored with the source, e.g. {@code /data/cur/payer-1}. */
    String describe();

    /** Makes the files available locally and returns the paths to ingest (files or folders). */
    List<Path> fetch(Path workDir);
}
