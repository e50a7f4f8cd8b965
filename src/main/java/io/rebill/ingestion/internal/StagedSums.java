package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.CostSums;
import io.rebill.ingestion.StoredLines;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Sums over Parquet files written by Rebill: the stored side of reconciliation. */
final class StagedSums {
    private StagedSums() {
    }

    static Map<BillingPeriod, CostSums> of(Connection duck, List<Path> files) throws SQLException {
        Map<BillingPeriod, CostSums> sums = new TreeMap<>();
        if (files.isEmpty()) {
            return sums;
        }
        StoredLines.Relation lines = StoredLines.read(duck, files, "hive_partitioning = false");
        String sql = "SELECT billing_period, count(*), " + sum("billed_cost") + ", " + sum("effective_cost") + ", "
                + sum("list_cost") + " FROM " + lines.sql() + " GROUP BY billing_period";
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                sums.put(BillingPeriod.parse(rs.getString(1)),
                        new CostSums(rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getBigDecimal(5)));
            }
        }
        return sums;
    }

    /**
     * One scan of a staged file: its billing periods (NULL included, so that a missing period is caught), its rows,
     * the stored sums per period and, from ingest's check columns, the input's own sums per the input's period
     * text (see {@link InputSums#of(SniffedFile, Scan)}). Staged files hold one money scale each.
     */
    record Scan(List<String> periods, long rows, Map<BillingPeriod, CostSums> stored, Map<String, CostSums> input) {
    }

    /** The staged file's sums per period, input period, payer, account and currency, left by {@link #scan}. */
    static final String ACCOUNTS = "rb_staged_accounts";

    static Scan scan(Connection duck, Path file, boolean checkColumns) throws SQLException {
        String inputPeriod = checkColumns ? "COALESCE(" + StoredLines.CHECK_PERIOD + ", billing_period)" : "billing_period";
        // one read of the file, summed per account too: the stored file's account sums come from it (writeAccountSums)
        StringBuilder accounts = new StringBuilder("CREATE OR REPLACE TEMP TABLE " + ACCOUNTS + " AS SELECT billing_period, "
                + inputPeriod + " AS input_period, billing_account_id, sub_account_id, billing_currency, count(*) AS lines");
        for (StoredLines.CheckedCost c : StoredLines.CHECKED_COSTS) {
            accounts.append(", ").append(sum(c.column())).append(" AS ").append(c.column());
        }
        for (StoredLines.CheckedCost c : StoredLines.CHECKED_COSTS) {
            accounts.append(", ").append(checkColumns ? sum(c.checkColumn()) : "CAST(0 AS " + CanonicalColumn.MONEY_TYPE + ")")
                    .append(" AS ").append(c.checkColumn());
        }
        accounts.append(" FROM read_parquet('").append(DuckDb.literal(file.toString())).append("', hive_partitioning = false) GROUP BY ALL");
        try (Statement s = duck.createStatement()) {
            s.execute(accounts.toString());
        }
        // the sums in CostSums order (billed, effective, list), which is CHECKED_COSTS' order
        StringBuilder sql = new StringBuilder("SELECT billing_period, input_period, sum(lines)");
        for (StoredLines.CheckedCost c : StoredLines.CHECKED_COSTS) {
            sql.append(", sum(").append(c.column()).append(")");
        }
        for (StoredLines.CheckedCost c : StoredLines.CHECKED_COSTS) {
            sql.append(", sum(").append(c.checkColumn()).append(")");
        }
        sql.append(" FROM " + ACCOUNTS + " GROUP BY ALL");
        List<String> periods = new java.util.ArrayList<>();
        long rows = 0;
        Map<BillingPeriod, CostSums> stored = new TreeMap<>();
        Map<String, CostSums> input = new TreeMap<>(java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            while (rs.next()) {
                String period = rs.getString(1);
                long lines = rs.getLong(3);
                CostSums sums = new CostSums(lines, rs.getBigDecimal(4), rs.getBigDecimal(5), rs.getBigDecimal(6));
                if (!periods.contains(period)) {
                    periods.add(period);
                }
                rows += lines;
                if (period != null) {
                    stored.merge(BillingPeriod.parse(period), sums, CostSums::plus);
                }
                input.merge(rs.getString(2), new CostSums(lines, sums.billed().add(rs.getBigDecimal(7)),
                        sums.effective().add(rs.getBigDecimal(8)), sums.list().add(rs.getBigDecimal(9))), CostSums::plus);
            }
        }
        periods.sort(java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
        return new Scan(periods, rows, stored, input);
    }

    /**
     * Writes the account sums of {@code storedFile} (ingestion's {@link io.rebill.ingestion.AccountSums}) beside it,
     * from the last {@link #scan}: of its one {@code period} when the scanned file was split by period, else of all.
     */
    static void writeAccountSums(Connection duck, Path storedFile, String period) throws SQLException {
        StringBuilder sql = new StringBuilder("COPY (SELECT billing_period, billing_account_id, sub_account_id,"
                + " billing_currency, CAST(sum(lines) AS BIGINT) AS lines");
        for (StoredLines.CheckedCost c : StoredLines.CHECKED_COSTS) {
            sql.append(", sum(").append(c.column()).append(") AS ").append(c.column());
        }
        sql.append(" FROM " + ACCOUNTS).append(period == null ? "" : " WHERE billing_period = ?").append(" GROUP BY ALL) TO '")
                .append(DuckDb.literal(io.rebill.ingestion.AccountSums.of(storedFile).toString())).append("' (FORMAT parquet, COMPRESSION zstd)");
        try (java.sql.PreparedStatement ps = duck.prepareStatement(sql.toString())) {
            if (period != null) {
                ps.setString(1, period);
            }
            ps.execute();
        }
    }

    /** A cost column's sum at the canonical money scale, whatever the scale it is stored at. */
    private static String sum(String column) {
        return "CAST(COALESCE(sum(" + column + "), 0) AS " + CanonicalColumn.MONEY_TYPE + ")";
    }
}
