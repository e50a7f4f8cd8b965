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
 * @param nulFree      a plain CSV file known to hold no NUL byte (Fingerprints), so no value of it can: its mapping
 *                     leaves out the per-value NUL check (MappingQuery); false when not known
 */
record SniffedFile(Path path, Container container, SourceFormat format, List<String> columns,
                   Map<String, String> parquetTypes, long size, Map<String, String> flattened, boolean nulFree) {
    SniffedFile {
        columns = List.copyOf(columns);
        parquetTypes = Map.copyOf(parquetTypes);
        flattened = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(flattened));
    }

    SniffedFile(Path path, Container container, SourceFormat format, List<String> columns,
                Map<String, String> parquetTypes, long size, Map<String, String> flattened) {
        this(path, container, format, columns, parquetTypes, size, flattened, false);
    }

    SniffedFile(Path path, Container container, SourceFormat format, List<String> columns,
                Map<String, String> parquetTypes, long size) {
        this(path, container, format, columns, parquetTypes, size, Map.of());
    }

    /**
     * This file as known to hold no NUL byte when {@code hasNulByte} is false and it is plain CSV (a compressed or
     * typed file's bytes on disk are not the values DuckDB reads); as it is otherwise.
     */
    SniffedFile withNulBytesKnown(boolean hasNulByte) {
        boolean free = !hasNulByte && container == Container.CSV;
        return new SniffedFile(path, container, format, columns, parquetTypes, size, flattened, free);
    }

    String displayName() {
        return path.toString();
    }
}
