package io.rebill.ingestion.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A billing file whose container, header and format are known.
 *
 * @param columns      header names in file order (duplicates already made unique)
 * @param parquetTypes for Parquet and JSON lines, DuckDB's type of each column; empty for CSV
 * @param flattened    for a typed file with nested records, each dotted column's SQL over the file's own scan
 *                     ({@code "service"."description"} for {@code service.description}); empty when nothing is nested
 */
record SniffedFile(Path path, Container container, SourceFormat format, List<String> columns,
                   Map<String, String> parquetTypes, long size, Map<String, String> flattened) {
    SniffedFile {
        columns = List.copyOf(columns);
        parquetTypes = Map.copyOf(parquetTypes);
        flattened = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(flattened));
    }

    SniffedFile(Path path, Container container, SourceFormat format, List<String> columns,
                Map<String, String> parquetTypes, long size) {
        this(path, container, format, columns, parquetTypes, size, Map.of());
    }

    String displayName() {
        return path.toString();
    }
}
