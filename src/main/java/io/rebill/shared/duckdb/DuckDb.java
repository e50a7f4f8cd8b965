package io.rebill.shared.duckdb;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens DuckDB connections for one job: its own memory limit and spill folder (removed when the connection closes,
 * or by the next process's first job when the job was killed: {@link SpillFolders}), UTC session time zone (billing
 * timestamps are UTC, spec §1), and insertion order kept so that files are read deterministically.
 */
public final class DuckDb {
    private DuckDb() {
    }

    /**
     * Starts loading DuckDB on a background thread, once per process: the driver's first use copies its native
     * library (70 MB) out of the jar and loads it, and the first logger configures logging, about 0.8 s of CPU in a
     * fresh process that a bill from the command line can spend while it reads its configuration and compiles its
     * conditions (issue 11 item 8). Only the library is loaded (the driver's class that does it, by name: it is not
     * public); no database is opened. A failure here is left to the job's own open to report.
     */
    public static void warmUp() {
        sweepLibraryCopies();
        io.rebill.shared.WarmUp.once("duckdb-warm-up", () -> {
            org.slf4j.LoggerFactory.getLogger(DuckDb.class);
            try {
                Class.forName("org.duckdb.DuckDBDriver", true, DuckDb.class.getClassLoader());
                Class.forName("org.duckdb.DuckDBNative", true, DuckDb.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // a driver laid out otherwise loads its library on the first connection; that reports any error
            }
        });
    }

    /** Once per process, in the background: the library copies killed processes left in the temp folder go. */
    private static void sweepLibraryCopies() {
        io.rebill.shared.WarmUp.once("duckdb-library-copies", () ->
                LibraryCopies.sweep(Path.of(System.getProperty("java.io.tmpdir")), java.time.Instant.now()));
    }

    /** An in-memory database for one job; spills to a fresh folder under the settings' temp dir. */
    public static Connection open(RebillSettings settings) {
        return open(settings, null);
    }

    /** A database file of its own in the job's spill folder, deleted with it when the connection closes. */
    public static Connection openScratch(RebillSettings settings, String name) {
        return open(settings, null, name);
    }

    /** A database in {@code file} (or in memory when null) with the job settings applied. */
    public static Connection open(RebillSettings settings, Path file) {
        return open(settings, file, null);
    }

    private static Connection open(RebillSettings settings, Path file, String scratchName) {
        sweepLibraryCopies();
        SpillFolders.Owned owned = null;
        try {
            owned = SpillFolders.create(settings.tempDir());
            Path spill = owned.folder();
            Path db = scratchName != null ? spill.resolve(scratchName + ".duckdb") : file;
            Connection c = DriverManager.getConnection(db == null ? "jdbc:duckdb:" : "jdbc:duckdb:" + db);
            try (Statement s = c.createStatement()) {
                s.execute("SET memory_limit = '" + settings.memoryLimit() + "'");
                s.execute("SET threads = " + settings.threads());
                s.execute("SET temp_directory = '" + literal(spill.toString()) + "'");
                s.execute("SET TimeZone = 'UTC'");
                s.execute("SET preserve_insertion_order = true");
                // progress is tracked (for ingest progress lines) but never printed by DuckDB itself
                s.execute("SET enable_progress_bar = true");
                s.execute("SET enable_progress_bar_print = false");
            }
            return new SpillCleaningConnection(c, owned).proxy();
        } catch (SQLException | IOException e) {
            if (owned != null) {
                Trees.delete(owned.folder());
                owned.release();
            }
            throw new RebillException(ErrorCode.STORAGE_FAILED,
                    "cannot open DuckDB under " + settings.tempDir() + ": " + e.getMessage()
                            + " (check that the folder is writable and has free space)", e);
        }
    }

    /**
     * Another connection to the same database, for statements run side by side: it sees the database's tables and
     * shares its settings, memory limit and threads, but not the temp tables of {@code connection}.
     */
    public static Connection sibling(Connection connection) throws SQLException {
        return connection.unwrap(org.duckdb.DuckDBConnection.class).duplicate();
    }

    /** Escapes a value for a single-quoted SQL literal (for settings and paths DuckDB cannot bind). */
    public static String literal(String value) {
        return value.replace("'", "''");
    }

    /** A DuckDB list literal of file paths, e.g. {@code ['/a/part-00000.parquet', '/b/x.parquet']}, for read_parquet. */
    public static String fileList(java.util.List<Path> files) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < files.size(); i++) {
            sb.append(i == 0 ? "'" : ", '").append(literal(files.get(i).toString())).append('\'');
        }
        return sb.append(']').toString();
    }

    /** Quotes an identifier taken from a file header. */
    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Inserts {@code rows} into {@code table}, {@code row} (e.g. {@code (?, ?, CAST(? AS DECIMAL(38,24)))}) giving each
     * row's values, in one statement: each column travels as one list parameter of text (decimals as their exact
     * text), which DuckDB unnests; a {@code ?} of the row is that text, which the table's column casts on insert (an
     * expression over it casts first, as the {@code CAST} above). A JDBC batch runs one
     * statement per row in DuckDB, and a statement of many rows of parameters binds every value on its own: about
     * 50 ms for a thousand rows of four values in a fresh JVM, against 10 ms as four lists (docs/benchmarks.md,
     * "Billing in the product", session 14).
     */
    public static void insertRows(Connection duck, String table, String row, java.util.List<Object[]> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        String values = row.strip();
        if (!values.startsWith("(") || !values.endsWith(")")) {
            throw new IllegalArgumentException("a row of values in parentheses, not " + row);
        }
        StringBuilder select = new StringBuilder();
        StringBuilder lists = new StringBuilder();
        int columns = 0;
        for (char ch : values.substring(1, values.length() - 1).toCharArray()) {
            if (ch == '?') {
                columns++;
                select.append("c").append(columns);
                lists.append(columns == 1 ? "" : ", ").append("unnest(CAST(? AS VARCHAR[])) AS c").append(columns);
            } else {
                select.append(ch);
            }
        }
        String[][] text = new String[columns][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Object[] rowValues = rows.get(r);
            if (rowValues.length != columns) {
                throw new IllegalArgumentException("row " + r + " has " + rowValues.length + " values for " + columns
                        + " parameters of " + row);
            }
            for (int c = 0; c < columns; c++) {
                Object v = rowValues[c];
                text[c][r] = v == null ? null : v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString();
            }
        }
        try (java.sql.PreparedStatement ps = duck.prepareStatement("INSERT INTO " + table + " SELECT " + select
                + " FROM (SELECT " + lists + ")")) {
            for (int c = 0; c < columns; c++) {
                ps.setArray(c + 1, duck.createArrayOf("VARCHAR", text[c]));
            }
            ps.execute();
        }
    }
}
