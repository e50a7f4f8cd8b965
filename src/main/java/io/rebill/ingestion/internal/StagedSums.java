package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.CostSums;
import io.rebill.ingestion.StoredLines;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Sums over Parquet files written by Rebill: the stored side of reconciliation. */
final class StagedSums {
    private StagedSums() {
    }

    static Map<BillingPeriod, CostSums> of(Connection duck, Path folder) throws SQLException {
        return of(duck, parquetFiles(folder));
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

    /** A cost column's sum at the canonical money scale, whatever the scale it is stored at. */
    private static String sum(String column) {
        return "CAST(COALESCE(sum(" + column + "), 0) AS " + CanonicalColumn.MONEY_TYPE + ")";
    }

    /** Rows of one staged input file, over all the period folders it was split into. */
    static long rowsOfFile(Connection duck, Path staging, String fileName) throws SQLException {
        List<Path> files = parquetFiles(staging).stream().filter(p -> p.getFileName().toString().equals(fileName)).toList();
        if (files.isEmpty()) {
            return 0;
        }
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + list(files) + ", hive_partitioning = false)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The distinct billing periods in a staged file (NULL included, so that a missing period is caught). */
    static List<String> periods(Connection duck, Path file) throws SQLException {
        List<String> periods = new java.util.ArrayList<>();
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT billing_period FROM read_parquet('"
                     + DuckDb.literal(file.toString()) + "') ORDER BY 1 NULLS FIRST")) {
            while (rs.next()) {
                periods.add(rs.getString(1));
            }
        }
        return periods;
    }

    static String list(List<Path> files) {
        return DuckDb.fileList(files);
    }

    static List<Path> parquetFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
