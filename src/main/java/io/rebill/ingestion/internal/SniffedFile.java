package io.rebill.ingestion.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A billing file whose container, header and format are known.
 *
 * @param columns      header names in file order (duplicates already made unique)
 * @param parquetTypes for Parquet, DuckDB's type of each column; empty for CSV
 */
record SniffedFile(Path path, Container container, SourceFormat format, List<String> columns,
                   Map<String, String> parquetTypes, long size) {
    SniffedFile {
        columns = List.copyOf(columns);
        parquetTypes = Map.copyOf(parquetTypes);
    }

    String displayName() {
        return path.toString();
    }
}
