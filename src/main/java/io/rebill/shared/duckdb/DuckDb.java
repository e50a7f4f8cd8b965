package io.rebill.shared.duckdb;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Opens DuckDB connections for one job: its own memory limit and spill folder, UTC session time zone (billing
 * timestamps are UTC, spec §1), and insertion order kept so that files are read deterministically.
 */
public final class DuckDb {
    private DuckDb() {
    }

    /** An in-memory database for one job; spills to a fresh folder under the settings' temp dir. */
    public static Connection open(RebillSettings settings) {
        return open(settings, null);
    }

    /** A database in {@code file} (or in memory when null) with the job settings applied. */
    public static Connection open(RebillSettings settings, Path file) {
        try {
            Path spill = settings.tempDir().resolve("duckdb-" + UUID.randomUUID());
            Files.createDirectories(spill);
            Connection c = DriverManager.getConnection(file == null ? "jdbc:duckdb:" : "jdbc:duckdb:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("SET memory_limit = '" + settings.memoryLimit() + "'");
                s.execute("SET threads = " + settings.threads());
                s.execute("SET temp_directory = '" + literal(spill.toString()) + "'");
                s.execute("SET TimeZone = 'UTC'");
                s.execute("SET preserve_insertion_order = true");
                s.execute("SET enable_progress_bar = false");
            }
            return new SpillCleaningConnection(c, spill).proxy();
        } catch (SQLException | IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED,
                    "cannot open DuckDB under " + settings.tempDir() + ": " + e.getMessage()
                            + " (check that the folder is writable and has free space)", e);
        }
    }

    /** Escapes a value for a single-quoted SQL literal (for settings and paths DuckDB cannot bind). */
    public static String literal(String value) {
        return value.replace("'", "''");
    }

    /** Quotes an identifier taken from a file header. */
    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
