package io.rebill.ingestion;

import io.rebill.shared.duckdb.DuckDb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads stored line items (Parquet files Rebill wrote) as one relation. Each file keeps its costs at the scale its
 * input needed (one of {@link CanonicalColumn#STORED_MONEY_SCALES}). DuckDB must never see two scales in one
 * {@code read_parquet} or {@code UNION}: it gives the relation the first file's (or the narrower) type and silently
 * rounds the other. So files are read in groups of one scale and, when there are several, the groups' costs are cast
 * up to the widest before they are combined. Files stored before tags became a list of pairs keep a MAP, read as the
 * list. Every reader of stored line items goes through here, and sees the canonical columns only: the check columns
 * ingest writes beside them ({@link #CHECK_PERIOD}, {@link #CHECKED_COSTS}) are left out.
 */
public final class StoredLines {
    /** The input's billing period where it differs from the stored one (else NULL): ingest's reconciliation. */
    public static final String CHECK_PERIOD = "rb_check_period";
    /**
     * The cost columns reconciliation checks, each with its check column: per line, the input file's amount minus
     * the stored one (zero when the mapping is faithful).
     */
    public static final List<CheckedCost> CHECKED_COSTS = List.of(
            new CheckedCost("billed", "billed_cost", "rb_check_billed"),
            new CheckedCost("effective", "effective_cost", "rb_check_effective"),
            new CheckedCost("list", "list_cost", "rb_check_list"));
    private static final String CHECK_PREFIX = "rb_check_";
    /**
     * How ingest writes a stored file (a COPY's options): zstd in row groups of 122,880 lines. The ingest benchmark's
     * writer-alone step writes Rebill's stored lines again with the same options.
     */
    public static final String WRITE_OPTIONS = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880";

    /** A cost basis ({@code billed}), its stored column ({@code billed_cost}) and its check column. */
    public record CheckedCost(String basis, String column, String checkColumn) {
    }

    private StoredLines() {
    }

    /**
     * A relation over stored line items: {@code sql} is a FROM item (a table function or a parenthesised query),
     * {@code moneyScale} the scale of its cost columns.
     */
    public record Relation(String sql, int moneyScale) {
        /** The cost columns' type, DECIMAL(38, moneyScale). */
        public String moneyType() {
            return CanonicalColumn.money(moneyScale);
        }
    }

    /**
     * The relation over {@code files}; {@code options} are extra read_parquet named parameters (e.g.
     * {@code filename = true, file_row_number = true}), or empty.
     */
    public static Relation read(Connection duck, List<Path> files, String options) throws SQLException {
        String extra = options == null || options.isBlank() ? "" : ", " + options;
        if (files.isEmpty()) {
            // DuckDB's own error for an empty list, as before this reader existed
            return new Relation("read_parquet(" + DuckDb.fileList(files) + extra + ")", CanonicalColumn.MONEY_SCALE);
        }
        Map<Layout, List<Path>> byLayout = layouts(duck, files);
        int widest = byLayout.keySet().stream().mapToInt(Layout::moneyScale).max().orElseThrow();
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Layout, List<Path>> group : byLayout.entrySet()) {
            List<String> replace = new ArrayList<>();
            if (byLayout.size() > 1) {
                for (String column : CanonicalColumn.costColumns()) {
                    replace.add("CAST(" + column + " AS " + CanonicalColumn.money(widest) + ") AS " + column);
                }
            }
            if (group.getKey().mapTags()) {
                replace.add("CAST(map_entries(tags) AS " + CanonicalColumn.TAGS_TYPE + ") AS tags");
            }
            String read = canonical(group.getValue(), extra);
            // files stored before the account names (or the price ids) were kept have none: NULL, as for an export
            // without them
            List<String> missing = new ArrayList<>();
            if (!group.getKey().names()) {
                missing.addAll(ACCOUNT_NAMES);
            }
            if (!group.getKey().priceIds()) {
                missing.add(CanonicalColumn.SKU_PRICE_ID.column());
            }
            String names = missing.stream().map(c -> ", CAST(NULL AS VARCHAR) AS " + c)
                    .collect(java.util.stream.Collectors.joining());
            parts.add(replace.isEmpty() && names.isEmpty() ? read : "SELECT *" + (replace.isEmpty() ? ""
                    : " REPLACE (" + String.join(", ", replace) + ")") + names + " FROM (" + read + ")");
        }
        return new Relation("(" + String.join(" UNION ALL BY NAME ", parts) + ")", widest);
    }

    /** The account-name columns; files stored before them lack them. */
    private static final List<String> ACCOUNT_NAMES = List.of(CanonicalColumn.SUB_ACCOUNT_NAME.column(),
            CanonicalColumn.BILLING_ACCOUNT_NAME.column());

    /**
     * How a stored file keeps its costs (the scale) and its tags (a MAP in files stored before tags were lists), and
     * whether it has the account-name columns and the price id column.
     */
    private record Layout(int moneyScale, boolean mapTags, boolean names, boolean priceIds) implements Comparable<Layout> {
        @Override
        public int compareTo(Layout o) {
            return moneyScale != o.moneyScale ? Integer.compare(moneyScale, o.moneyScale)
                    : mapTags != o.mapTags ? Boolean.compare(mapTags, o.mapTags)
                    : names != o.names ? Boolean.compare(names, o.names) : Boolean.compare(priceIds, o.priceIds);
        }
    }

    /** The files' columns without ingest's check columns (files stored before them have none). */
    private static String canonical(List<Path> files, String extra) {
        return "SELECT COLUMNS(lambda c: NOT starts_with(c, '" + CHECK_PREFIX + "')) FROM read_parquet("
                + DuckDb.fileList(files) + extra + ")";
    }

    /** The files grouped by their layout, in the given order within each group. */
    private static Map<Layout, List<Path>> layouts(Connection duck, List<Path> files) throws SQLException {
        Map<String, Integer> scaleOf = new HashMap<>();
        Map<String, Boolean> mapTagsOf = new HashMap<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        java.util.Set<String> priced = new java.util.HashSet<>();
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT file_name, name, scale, converted_type FROM parquet_schema("
                     + DuckDb.fileList(files) + ") WHERE name IN ('billed_cost', 'tags', '"
                     + CanonicalColumn.SUB_ACCOUNT_NAME.column() + "', '" + CanonicalColumn.SKU_PRICE_ID.column() + "')")) {
            while (rs.next()) {
                if (rs.getString(2).equals(CanonicalColumn.SUB_ACCOUNT_NAME.column())) {
                    named.add(rs.getString(1));
                } else if (rs.getString(2).equals(CanonicalColumn.SKU_PRICE_ID.column())) {
                    priced.add(rs.getString(1));
                } else if (rs.getString(2).equals("billed_cost")) {
                    scaleOf.put(rs.getString(1), rs.getInt(3));
                } else {
                    mapTagsOf.put(rs.getString(1), "MAP".equals(rs.getString(4)));
                }
            }
        }
        Map<Layout, List<Path>> byLayout = new TreeMap<>();
        for (Path f : files) {
            Integer scale = scaleOf.get(f.toString());
            if (scale == null) {
                throw new IllegalStateException(f + " is not a stored line item file: it has no billed_cost column");
            }
            byLayout.computeIfAbsent(new Layout(scale, mapTagsOf.getOrDefault(f.toString(), false),
                    named.contains(f.toString()), priced.contains(f.toString())), k -> new ArrayList<>()).add(f);
        }
        return byLayout;
    }
}
