package io.rebill.rules.internal;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * How a billing run talks to DuckDB: its statements with bound parameters, the settings it tunes around them
 * (insertion order, the filter pushdown it turns off over the rule chain) and its small temp tables filled many rows
 * a statement.
 */
final class RunStatements {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunStatements.class);
    /** What a table made in parts ({@link #inParts}) is split by: an account's rows all go to one part. */
    static final String PART_COLUMN = "sub_account_id";
    private static final java.util.regex.Pattern CREATE_TABLE =
            java.util.regex.Pattern.compile("CREATE OR REPLACE TEMP TABLE (\\w+) AS (.*)", java.util.regex.Pattern.DOTALL);
    private final Connection duck;

    RunStatements(Connection duck) {
        this.duck = duck;
    }

    Connection connection() {
        return duck;
    }

    void execute(String sql, List<Object> params) throws SQLException {
        execute(sql, params, false);
    }

    /** Without an ORDER BY to keep, the order of lines does not matter; not keeping the scan's order lets DuckDB stream. */
    void execute(String sql, List<Object> params, boolean ordered) throws SQLException {
        execute(sql, params, ordered, false);
    }

    /**
     * As {@link #execute(String, List, boolean)}, for a {@code CREATE OR REPLACE TEMP TABLE t AS ...} each of whose
     * rows belongs to one {@value #PART_COLUMN} (a line, or a group with that column among its keys): when it runs
     * out of DuckDB's memory, it is made again in parts, each over the rows of a share of the accounts, before it is
     * tried on one thread ({@link #inParts}).
     */
    void executeByAccount(String sql, List<Object> params) throws SQLException {
        execute(sql, params, false, true);
    }

    private void execute(String sql, List<Object> params, boolean ordered, boolean byAccount) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("SET preserve_insertion_order = " + ordered);
        }
        // logging.level.io.rebill.rules.internal.RunStatements=DEBUG shows what a bill asks of DuckDB, to EXPLAIN it
        log.debug("DuckDB statement ({} parameters): {}", params.size(), sql);
        try {
            run(sql, params);
        } catch (SQLException e) {
            if (!outOfMemory(e) || !sql.startsWith("CREATE OR REPLACE ")) {
                throw e;
            }
            if (byAccount && inParts(sql, params)) {
                return;
            }
            oneThread(sql, params);
        }
    }

    /**
     * Makes the table of {@code sql} in parts, on every thread: first 4, then 16, each part the statement's rows of
     * the accounts whose {@code hash(sub_account_id)} falls in its range ({@link #part}), the first part creating the
     * table and the others inserting into it. A row belongs to one account, so the parts hold every row once. With
     * DuckDB's filter pushdown on, the part's filter reaches the scan below the grouping, so each part's hash tables
     * hold its share of the groups: the daily sums of a 50 M-line month (10.6 M groups) run out of 1 GB on two
     * threads, and in four parts take about half the time of one thread (docs/benchmarks.md, "Session 13: the 50
     * M-line daily sums").
     * Returns false when 16 parts still run out (the caller then tries one thread); a part that fails otherwise
     * fails the statement. The table is made again from its first part on each try, so no try leaves half of it.
     */
    private boolean inParts(String sql, List<Object> params) throws SQLException {
        java.util.regex.Matcher m = CREATE_TABLE.matcher(sql);
        if (!m.matches()) {
            return false;
        }
        String table = m.group(1);
        String query = m.group(2);
        if (!hasColumn(query, PART_COLUMN)) {
            return false;
        }
        String disabled;
        try (Statement s = duck.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT current_setting('disabled_optimizers')")) {
            rs.next();
            disabled = rs.getString(1);
        }
        execute("RESET disabled_optimizers");
        try {
            for (int parts : new int[]{4, 16}) {
                log.warn("a billing statement ran out of DuckDB's memory; making {} in {} parts, each over a share of"
                        + " the accounts (slower). Raise REBILL_MEMORY_LIMIT (DuckDB's memory, 1GB by default) to make"
                        + " it at once", table, parts);
                try {
                    for (int part = 0; part < parts; part++) {
                        String rows = "SELECT * FROM (" + query + ") WHERE " + part(parts, part);
                        run((part == 0 ? "CREATE OR REPLACE TEMP TABLE " + table + " AS " : "INSERT INTO " + table + " ")
                                + rows, params);
                    }
                    return true;
                } catch (SQLException e) {
                    if (!outOfMemory(e)) {
                        throw e;
                    }
                }
            }
            return false;
        } finally {
            execute(disabled == null || disabled.isBlank() ? "RESET disabled_optimizers"
                    : "SET disabled_optimizers = '" + disabled.replace("'", "''") + "'");
        }
    }

    private void run(String sql, List<Object> params) throws SQLException {
        try (PreparedStatement ps = duck.prepareStatement(sql)) {
            bind(ps, params);
            ps.execute();
        }
    }

    static boolean outOfMemory(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("Out of Memory Error");
    }

    /**
     * A table statement that ran out of DuckDB's memory is tried once more on one thread: each thread of a grouping
     * keeps its own hash table, and the daily sums of a 50 M-line month (10.6 M groups) need about 2 GB on two
     * threads but fit in 1 GB on one (docs/benchmarks.md, "Session 11: the bill's statement"). Slower, not failed;
     * the log says how to avoid it. Only {@code CREATE OR REPLACE}: it leaves nothing half-made to retry over.
     */
    private void oneThread(String sql, List<Object> params) throws SQLException {
        String threads;
        try (Statement s = duck.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT current_setting('threads')")) {
            rs.next();
            threads = rs.getString(1);
        }
        log.warn("a billing statement ran out of DuckDB's memory on {} threads; trying again on one thread (slower)."
                + " Raise REBILL_MEMORY_LIMIT (DuckDB's memory, 1GB by default) to keep the threads", threads);
        execute("SET threads = 1");
        try {
            run(sql, params);
        } finally {
            execute("SET threads = " + Integer.parseInt(threads));
        }
    }

    /**
     * The filter of part {@code part} of {@code parts}: a range of {@code hash(sub_account_id)} (an unsigned 64-bit
     * number; the ranges cover it whole, so every row is in one part, a row without an account too: DuckDB hashes NULL
     * to a number). A range, not {@code hash(...) % parts}: DuckDB pushes a comparison of the hash below the grouping
     * into the scan, and keeps an arithmetic expression of it above the grouping, where it saves no memory (EXPLAIN).
     */
    static String part(int parts, int part) {
        java.math.BigInteger whole = java.math.BigInteger.ONE.shiftLeft(64);
        java.math.BigInteger from = whole.multiply(java.math.BigInteger.valueOf(part)).divide(java.math.BigInteger.valueOf(parts));
        java.math.BigInteger to = whole.multiply(java.math.BigInteger.valueOf(part + 1L))
                .divide(java.math.BigInteger.valueOf(parts)).subtract(java.math.BigInteger.ONE);
        return "hash(" + PART_COLUMN + ") BETWEEN CAST('" + from + "' AS UBIGINT) AND CAST('" + to + "' AS UBIGINT)";
    }

    /** Whether the rows of {@code query} have {@code column} (from its prepared statement, without running it). */
    private boolean hasColumn(String query, String column) throws SQLException {
        try (PreparedStatement ps = duck.prepareStatement(query)) {
            java.sql.ResultSetMetaData meta = ps.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                if (column.equals(meta.getColumnName(i))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Runs a statement without parameters (DDL and settings). */
    void execute(String sql) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Runs a statement over the whole chain. DuckDB's filter pushdown, carrying the period filter down to the scan,
     * also merges the chain's projections into one; each step's charge expression is then inlined into the next
     * step several times (condition, product, fallback) and evaluated again there, which doubled the time of the
     * bill (docs/benchmarks.md). Without it every step computes its charge once; the period filter stays right
     * above the scan, and a period's files hold only that period.
     */
    void executeChain(String sql, List<Object> params, boolean ordered) throws SQLException {
        overChain(sql, params, ordered, false);
    }

    /** {@link #executeByAccount} for a statement over the rule chain, as {@link #executeChain}. */
    void executeChainByAccount(String sql, List<Object> params) throws SQLException {
        overChain(sql, params, false, true);
    }

    private void overChain(String sql, List<Object> params, boolean ordered, boolean byAccount) throws SQLException {
        execute("SET disabled_optimizers = 'filter_pushdown'");
        try {
            execute(sql, params, ordered, byAccount);
        } finally {
            execute("RESET disabled_optimizers");
        }
    }

    /** Fills a two-column temp table (VARCHAR, INTEGER) from a map, e.g. customer to workflow number. */
    void insertPairs(String table, Map<String, Integer> pairs) throws SQLException {
        insertRows(table, "(?, ?)", pairs.entrySet().stream().map(e -> new Object[]{e.getKey(), e.getValue()}).toList());
    }

    /** Inserts rows into a temp table, {@code row} (e.g. {@code (?, ?)}) per row, in one statement (DuckDb#insertRows). */
    void insertRows(String table, String row, List<Object[]> rows) throws SQLException {
        io.rebill.shared.duckdb.DuckDb.insertRows(duck, table, row, rows);
    }

    /** Binds parameters in order; decimals as their exact text, so DuckDB casts them without a double in between. */
    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object v = params.get(i);
            if (v instanceof BigDecimal d) {
                ps.setString(i + 1, d.toPlainString());
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }
}
