package io.rebill.rules.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.duckdb.DuckDb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kept lines' text columns with few distinct values (service, region, account, usage type: a few hundred or
 * thousand each), as DuckDB ENUM types for the kept lines' write (RunLines), and the customers in their order.
 * <p>
 * Why: the kept lines are sorted by customer, and after a sort DuckDB's Parquet writer gets every text value as a
 * string to hash into the row group's dictionary again, on one thread; an ENUM reaches it as the index of a dictionary
 * that already exists, and sorts as a small integer (docs/benchmarks.md, "Re-billed lines", session 10: a third less
 * CPU for the sorted write of 2.5 M lines). The file is the same: Parquet has no ENUM, the columns are written as
 * dictionary-encoded text and read back as VARCHAR, with their values unchanged. Each ENUM's values are sorted, so
 * that its order (DuckDB compares ENUMs by position) is the text's.
 * <p>
 * A column with more than {@link #MAX_VALUES} distinct values in the period (resource ids, descriptions) stays text:
 * an ENUM's dictionary is written whole into every row group.
 */
final class KeptEnums implements AutoCloseable {
    static final int MAX_VALUES = 4_096;
    /**
     * Text columns not even counted: one value per resource, or per price and usage, so a month big enough for the
     * write to matter has far more than {@link #MAX_VALUES} of them (1.1 M and 142 k in the bench's 10 M lines), and
     * counting them was most of the count's time (about 1 of 2 s at 10 M lines).
     */
    private static final java.util.Set<String> MANY = java.util.Set.of("resource_id", "charge_description");
    private static final String PREFIX = "rb_kept_";
    private static final String VALUES = "rb_kept_values";

    private final Connection duck;
    private final Map<String, String> typeOf = new LinkedHashMap<>();
    private final List<String> created = new ArrayList<>();
    private boolean valuesTable;

    private KeptEnums(Connection duck) {
        this.duck = duck;
    }

    /**
     * ENUM types for those of {@code columns} that are text with at most {@link #MAX_VALUES} values among
     * the lines of {@code period} in {@code stored} (the run's relation of its stored lines), and for the customers
     * of {@code customers} (a table with a {@code customer_id} column).
     */
    static KeptEnums create(Connection duck, String stored, String period, List<String> columns, String customers)
            throws SQLException {
        KeptEnums enums = new KeptEnums(duck);
        try {
            List<String> text = columns.stream().filter(c -> isText(c) && !MANY.contains(c)).toList();
            if (!text.isEmpty()) {
                enums.values(stored, period, text);
                for (int i = 0; i < text.size(); i++) {
                    String column = text.get(i);
                    long n;
                    try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT count(" + column
                            + ") FROM " + VALUES + " WHERE rb_set = " + set(i, text.size()))) {
                        rs.next();
                        n = rs.getLong(1);
                    }
                    if (n > 0 && n <= MAX_VALUES) {
                        enums.create(column, "SELECT " + column + " FROM " + VALUES + " WHERE rb_set = " + set(i, text.size())
                                + " AND " + column + " IS NOT NULL ORDER BY " + column);
                    }
                }
            }
            enums.create("customer_id", "SELECT DISTINCT customer_id FROM " + customers
                    + " WHERE customer_id IS NOT NULL ORDER BY customer_id");
            return enums;
        } catch (SQLException | RuntimeException e) {
            enums.close();
            throw e;
        }
    }

    /**
     * The distinct values of each of {@code text} among the period's lines, in one scan: a grouping set per column
     * (one statement instead of a count of each column and then a scan per column kept: about 0.6 s of CPU instead of
     * 1.75 s at 10 M lines). In the rows of column {@code i}'s set the other columns are NULL; {@link #set} tells the
     * sets apart.
     */
    private void values(String stored, String period, List<String> text) throws SQLException {
        String columns = String.join(", ", text);
        try (PreparedStatement ps = duck.prepareStatement("CREATE OR REPLACE TEMP TABLE " + VALUES + " AS SELECT " + columns
                + ", GROUPING_ID(" + columns + ") AS rb_set FROM " + stored + " WHERE billing_period = ? GROUP BY GROUPING SETS ("
                + text.stream().map(c -> "(" + c + ")").collect(java.util.stream.Collectors.joining(", ")) + ")")) {
            ps.setString(1, period);
            ps.execute();
        }
        valuesTable = true;
    }

    /** GROUPING_ID of the set of column {@code i} of {@code n}: every bit set (not grouped) but that column's. */
    private static long set(int i, int n) {
        return ((1L << n) - 1) ^ (1L << (n - 1 - i));
    }

    private static boolean isText(String column) {
        for (CanonicalColumn c : CanonicalColumn.values()) {
            if (c.column().equals(column)) {
                return c.sqlType().equals("VARCHAR");
            }
        }
        return false;
    }

    private void create(String column, String values) throws SQLException {
        String type = PREFIX + column;
        try (Statement s = duck.createStatement()) {
            s.execute("DROP TYPE IF EXISTS " + type);
            s.execute("CREATE TYPE " + type + " AS ENUM (" + values + ")");
        }
        created.add(type);
        typeOf.put(column, type);
    }

    /** What the write selects for {@code column}: the column as its ENUM where it has one, else as it is. */
    String select(String column) {
        String type = column.equals("customer_id") ? null : typeOf.get(column);
        return type == null ? column : "CAST(" + column + " AS " + type + ") AS " + column;
    }

    /** The customers' order, as small integers rather than text. */
    String customerOrder() {
        return "ORDER BY CAST(customer_id AS " + typeOf.get("customer_id") + ")";
    }

    /** The ENUM columns the write uses (for the run's log and tests). */
    List<String> columns() {
        return typeOf.keySet().stream().filter(c -> !c.equals("customer_id")).toList();
    }

    @Override
    public void close() {
        try (Statement s = duck.createStatement()) {
            for (String type : created.reversed()) {
                s.execute("DROP TYPE IF EXISTS " + type);
            }
            if (valuesTable) {
                s.execute("DROP TABLE IF EXISTS " + VALUES);
            }
        } catch (SQLException e) {
            // the run's scratch database goes with its connection; a type left behind there harms nothing
        }
        created.clear();
    }
}
