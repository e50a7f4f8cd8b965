package io.rebill.rules.internal;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

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

    private static void execute(Connection duck, String sql) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    private static String one(Connection duck, String sql) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
