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
            oneThread(sql, params);
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
        execute("SET disabled_optimizers = 'filter_pushdown'");
        try {
            execute(sql, params, ordered);
        } finally {
            execute("RESET disabled_optimizers");
        }
    }

    /** Fills a two-column temp table (VARCHAR, INTEGER) from a map, e.g. customer to workflow number. */
    void insertPairs(String table, Map<String, Integer> pairs) throws SQLException {
        insertRows(table, "(?, ?)", pairs.entrySet().stream().map(e -> new Object[]{e.getKey(), e.getValue()}).toList());
    }

    /**
     * Inserts rows into a temp table, {@code row} (e.g. {@code (?, ?)}) per row, many rows a statement: DuckDB runs a
     * JDBC batch one statement per row, which took a tenth of a second for a thousand accounts.
     */
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
