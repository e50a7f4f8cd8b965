package io.rebill.shared.duckdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The tests' two ways to talk to DuckDB directly: run a statement, read one value of a query's first row. */
public final class DuckSql {
    private DuckSql() {
    }

    public static void execute(Connection duck, String sql) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first row's first value, as text (NULL as null). */
    public static String one(Connection duck, String sql) throws SQLException {
        return one(duck, sql, 1);
    }

    /** The first row's value in {@code column} (1-based), as text. */
    public static String one(Connection duck, String sql, int column) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql);
            }
            return rs.getString(column);
        }
    }
}
