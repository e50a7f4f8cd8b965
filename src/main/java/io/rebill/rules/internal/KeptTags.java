package io.rebill.rules.internal;

import io.rebill.shared.duckdb.DuckDb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The kept lines' tags as a dictionary (RunLines): each line carries the 64-bit key of its tag set, and the run's
 * folder one file of every tag set of the period with its key ({@value #FILE}), which a customer's FOCUS file joins
 * back by key.
 * <p>
 * Why: the kept lines are sorted by customer, and DuckDB's sort moves a line's tags (a list of key/value structs,
 * about 110 bytes as text in the bench's month) with every comparison run and spill; a key is 8 bytes. Tag sets
 * repeat (6,399 of them in the bench's 10 M lines: one per resource at most), so the dictionary is small beside the
 * lines (docs/benchmarks.md, "Re-billed lines", session 11: the tags were a fifth of the sorted write's CPU).
 * <p>
 * The key is DuckDB's {@code hash()} of the list, computed once at the write and stored in both files, never computed
 * again at a read, so a later DuckDB with another hash function reads the same pairs. Two different tag sets with
 * one key would give a line the other's tags: the write checks every key of the dictionary is distinct and, if not,
 * keeps the tags on the lines as before ({@link #inline()}).
 */
final class KeptTags implements AutoCloseable {
    static final String FILE = "tag_sets.parquet";
    static final String KEY = "tags_key";
    private static final String TABLE = "rb_kept_tags";

    private final Connection duck;
    private final boolean keyed;

    private KeptTags(Connection duck, boolean keyed) {
        this.duck = duck;
        this.keyed = keyed;
    }

    /**
     * The tag sets of the lines of {@code period} in {@code stored} (the run's relation of its stored lines): those
     * the run's tag aggregate kept ({@link TagAggregate#releaseLines}) when it ran on this connection, as it does in
     * every application run, since it already compared the lines' tag lists while summing them; otherwise a
     * {@code DISTINCT} over the stored lines.
     */
    static KeptTags create(Connection duck, String stored, String period) throws SQLException {
        if (exists(duck, TagAggregate.TAG_SETS)) {
            try (Statement s = duck.createStatement()) {
                s.execute("CREATE OR REPLACE TEMP TABLE " + TABLE + " AS SELECT hash(tags) AS " + KEY + ", tags FROM "
                        + TagAggregate.TAG_SETS);
                s.execute("DROP TABLE " + TagAggregate.TAG_SETS);
            }
        } else {
            try (PreparedStatement ps = duck.prepareStatement("CREATE OR REPLACE TEMP TABLE " + TABLE + " AS SELECT"
                    + " hash(tags) AS " + KEY + ", tags FROM (SELECT DISTINCT tags FROM " + stored
                    + " WHERE billing_period = ?)")) {
                ps.setString(1, period);
                ps.execute();
            }
        }
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) = count(DISTINCT " + KEY + ") FROM " + TABLE)) {
            rs.next();
            return new KeptTags(duck, rs.getBoolean(1));
        }
    }

    private static boolean exists(Connection duck, String table) throws SQLException {
        try (PreparedStatement ps = duck.prepareStatement("SELECT count(*) FROM duckdb_tables() WHERE temporary"
                + " AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Only for tests: tags kept on the lines, as when two tag sets share a key. */
    static KeptTags inline(Connection duck) {
        return new KeptTags(duck, false);
    }

    /** What the lines' write selects for their tags: the key, or the tags themselves when keys collide. */
    String select() {
        return keyed ? "hash(tags) AS " + KEY : "tags";
    }

    /** Writes the dictionary beside the lines in {@code folder} (nothing when the tags stay on the lines). */
    void write(Path folder) throws SQLException {
        if (!keyed) {
            return;
        }
        try (Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT " + KEY + ", tags FROM " + TABLE + " ORDER BY " + KEY + ") TO '"
                    + DuckDb.literal(folder.resolve(FILE).toString()) + "' (FORMAT parquet, COMPRESSION zstd)");
        }
    }

    /** {@code lines} (a relation of a run folder's kept lines) with their tags, from the dictionary when there is one. */
    static String withTags(Path runFolder, String lines) {
        Path file = runFolder.resolve(FILE);
        if (!Files.exists(file)) {
            return lines;
        }
        return "(SELECT l.* EXCLUDE (" + KEY + "), t.tags FROM " + lines + " l LEFT JOIN read_parquet('"
                + DuckDb.literal(file.toString()) + "') t USING (" + KEY + "))";
    }

    @Override
    public void close() {
        try (Statement s = duck.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("DROP TABLE IF EXISTS " + TagAggregate.TAG_SETS);
        } catch (SQLException e) {
            // the run's scratch database goes with its connection; a table left behind there harms nothing
        }
    }
}
