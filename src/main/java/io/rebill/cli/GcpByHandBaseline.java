package io.rebill.cli;

import io.rebill.shared.duckdb.DuckDb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs bench/gcp-canonical-by-hand.sql: the Google Cloud ingest benchmark's export mapped to canonical Parquet by a
 * hand-written DuckDB statement, the physical limit for the same work that `rebill bench --what ingest-gcp` shows
 * beside plain DuckDB's read of the file.
 */
final class GcpByHandBaseline {
    static final String FILE = "bench/gcp-canonical-by-hand.sql";

    private GcpByHandBaseline() {
    }

    /** Maps {@code export} to {@code parquet} with the statement in {@code sqlFile}, on every thread, in any order. */
    static void run(Connection duck, Path export, Path parquet, Path sqlFile) throws SQLException, IOException {
        String sql = Files.readString(sqlFile).replace("{{export}}", DuckDb.literal(export.toString()))
                .replace("{{parquet}}", DuckDb.literal(parquet.toString()));
        try (Statement s = duck.createStatement()) {
            s.execute("SET preserve_insertion_order = false");
            s.execute(sql);
        }
    }

    /** The SQL file, at the repository root of the running code ({@link BenchSql#file}). */
    static Path sqlFile() {
        return BenchSql.file(FILE);
    }
}
