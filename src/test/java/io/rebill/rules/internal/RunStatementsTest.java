package io.rebill.rules.internal;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static io.rebill.shared.duckdb.DuckSql.execute;
import static io.rebill.shared.duckdb.DuckSql.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run's table statement that runs out of DuckDB's memory is tried again on one thread, and the threads are set back
 * (docs/benchmarks.md, "Session 11: the bill's statement": the daily sums of a 50 M-line month need about 2 GB on two
 * threads and fit in 1 GB on one). DuckDB's own out-of-memory error needs gigabytes to provoke, so these statements
 * raise the same error text themselves whenever they run on more than one thread.
 */
class RunStatementsTest {
    private static final String OOM_ON_TWO_THREADS = "SELECT CASE WHEN CAST(current_setting('threads') AS INTEGER) > 1"
            + " THEN error('Out of Memory Error: could not allocate block of size 256.0 KiB') ELSE 42 END AS x";

    @Test
    void aTableStatementOutOfMemoryIsTriedAgainOnOneThreadAndTheThreadsAreSetBack() throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(duck, "SET threads = 2");
            RunStatements sql = new RunStatements(duck);
            sql.execute("CREATE OR REPLACE TEMP TABLE t AS " + OOM_ON_TWO_THREADS, List.of());
            assertThat(one(duck, "SELECT x FROM t")).isEqualTo("42");
            assertThat(one(duck, "SELECT current_setting('threads')")).isEqualTo("2");
        }
    }

    /**
     * A table of rows by account (the daily sums) is made again in parts, on both threads: here the statement runs
     * "out of memory" whenever DuckDB's filter pushdown is off (as over the rule chain) or it runs on one thread, so
     * only the parts can make it; they must hold every group once, the accounts without an id too.
     */
    @Test
    void aTableByAccountThatRunsOutIsMadeInPartsWithEveryGroupOnce() throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(duck, "SET threads = 2");
            execute(duck, "CREATE TABLE lines AS SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE 'acct-' || (i % 50) END"
                    + " AS sub_account_id, i % 3 AS day, CAST(i AS DECIMAL(18,2)) AS cost FROM range(10000) t(i)");
            String sums = "SELECT sub_account_id, day, count(*) AS n, sum(cost) AS cost FROM lines GROUP BY ALL";
            String expected = one(duck, "SELECT count(*) || ' ' || sum(n) || ' ' || sum(cost) || ' '"
                    + " || count(*) FILTER (WHERE sub_account_id IS NULL) FROM (" + sums + ")");
            assertThat(expected).isEqualTo("153 10000 49995000.00 3");
            RunStatements sql = new RunStatements(duck);
            sql.executeChainByAccount("CREATE OR REPLACE TEMP TABLE t AS SELECT *, CASE WHEN current_setting("
                    + "'disabled_optimizers') LIKE '%filter_pushdown%' OR CAST(current_setting('threads') AS INTEGER) = 1"
                    + " THEN error('Out of Memory Error: could not allocate block of size 256.0 KiB') ELSE 1 END AS ok"
                    + " FROM (" + sums + ")", List.of());
            assertThat(one(duck, "SELECT count(*) || ' ' || sum(n) || ' ' || sum(cost) || ' '"
                    + " || count(*) FILTER (WHERE sub_account_id IS NULL) FROM t")).isEqualTo(expected);
            assertThat(one(duck, "SELECT count(*) FROM (SELECT sub_account_id, day FROM t GROUP BY ALL HAVING count(*) > 1)"))
                    .isEqualTo("0");
            assertThat(one(duck, "SELECT current_setting('threads')")).isEqualTo("2");
            assertThat(one(duck, "SELECT current_setting('disabled_optimizers')")).isEmpty();

            // a table without an account column cannot be split by account: it is tried on one thread, as before
            sql.executeByAccount("CREATE OR REPLACE TEMP TABLE u AS " + OOM_ON_TWO_THREADS, List.of());
            assertThat(one(duck, "SELECT x FROM u")).isEqualTo("42");
            assertThat(one(duck, "SELECT current_setting('threads')")).isEqualTo("2");
        }
    }

    /**
     * The parts cover every hash once, and DuckDB applies a part's filter in the scan, below the grouping: only there
     * does a part hold only its share of the groups (a filter above the grouping, such as {@code hash(...) % 4 = 0},
     * stays above it and saves nothing).
     */
    @Test
    void thePartsCoverEveryAccountAndTheirFilterReachesTheScan(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws SQLException {
        assertThat(RunStatements.part(4, 0)).contains("CAST('0' AS UBIGINT) AND CAST('4611686018427387903' AS UBIGINT)");
        assertThat(RunStatements.part(4, 1)).contains("CAST('4611686018427387904' AS UBIGINT)");
        assertThat(RunStatements.part(4, 3)).endsWith("CAST('18446744073709551615' AS UBIGINT)");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            String file = dir.resolve("lines.parquet").toString();
            execute(duck, "COPY (SELECT 'acct-' || (i % 50) AS sub_account_id, i AS x FROM range(1000) t(i)) TO '" + file
                    + "' (FORMAT parquet)");
            String grouped = "SELECT sub_account_id, sum(x) AS x FROM read_parquet('" + file + "') GROUP BY ALL";
            String plan = one(duck, "EXPLAIN SELECT * FROM (" + grouped + ") WHERE " + RunStatements.part(16, 5), 2);
            assertThat(plan.indexOf("Read Parquet")).as(plan).isPositive();
            assertThat(plan.indexOf("hash(sub_account_id)")).as(plan).isGreaterThan(plan.indexOf("Read Parquet"));
            long rows = 0;
            for (int part = 0; part < 16; part++) {
                rows += Long.parseLong(one(duck, "SELECT count(*) FROM (" + grouped + ") WHERE " + RunStatements.part(16, part)));
            }
            assertThat(rows).isEqualTo(50);
        }
    }

    @Test
    void otherStatementsAndOtherErrorsFailAsTheyAreAndKeepTheThreads() throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(duck, "SET threads = 2");
            RunStatements sql = new RunStatements(duck);
            // a COPY may have written part of its files: it is not tried again
            assertThatThrownBy(() -> sql.execute("COPY (" + OOM_ON_TWO_THREADS + ") TO '/dev/null' (FORMAT csv)", List.of()))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Out of Memory Error");
            assertThatThrownBy(() -> sql.execute("CREATE OR REPLACE TEMP TABLE u AS SELECT error('no such thing') AS x",
                    List.of())).isInstanceOf(SQLException.class).hasMessageContaining("no such thing");
            // on one thread already, the statement still runs out: the error is the statement's, the threads stay
            execute(duck, "SET threads = 1");
            assertThatThrownBy(() -> sql.execute("CREATE OR REPLACE TEMP TABLE v AS SELECT error('Out of Memory Error: x')"
                    + " AS x", List.of())).isInstanceOf(SQLException.class).hasMessageContaining("Out of Memory Error");
            assertThat(one(duck, "SELECT current_setting('threads')")).isEqualTo("1");
        }
    }



}
