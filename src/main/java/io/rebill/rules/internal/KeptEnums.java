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

    private final Connection duck;
    private final Map<String, String> typeOf = new LinkedHashMap<>();
    private final List<String> created = new ArrayList<>();

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
                StringBuilder counts = new StringBuilder("SELECT ");
                for (int i = 0; i < text.size(); i++) {
                    counts.append(i == 0 ? "" : ", ").append("approx_count_distinct(").append(text.get(i)).append(")");
                }
                counts.append(" FROM ").append(stored).append(" WHERE billing_period = ?");
                List<String> few = new ArrayList<>();
                try (PreparedStatement ps = duck.prepareStatement(counts.toString())) {
                    ps.setString(1, period);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        for (int i = 0; i < text.size(); i++) {
                            long n = rs.getLong(i + 1);
                            if (n > 0 && n <= MAX_VALUES) {
                                few.add(text.get(i));
                            }
                        }
                    }
                }
                for (String column : few) {
                    // DDL takes no parameters: the period is a validated yyyy-MM, quoted as a literal all the same
                    enums.create(column, "SELECT DISTINCT " + column + " FROM " + stored + " WHERE billing_period = '"
                            + DuckDb.literal(period) + "' AND " + column + " IS NOT NULL ORDER BY " + column);
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
        } catch (SQLException e) {
            // the run's scratch database goes with its connection; a type left behind there harms nothing
        }
        created.clear();
    }
}
