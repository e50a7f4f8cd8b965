package io.rebill.ingestion.internal;

import io.rebill.ingestion.CostSums;
import io.rebill.shared.time.BillingPeriod;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * The input side of reconciliation: one file's own amounts (*-input-amounts.sql) summed per billing period, either
 * from the check columns ingest stored beside the canonical ones ({@link #of(SniffedFile, StagedSums.Scan)}) or in a
 * scan of the provider file of its own ({@link #of(Connection, SniffedFile)}: Parquet inputs, the reconcile command).
 */
final class InputSums {
    /** The check column's value for a line whose input has no billing period while the stored line has one. */
    static final String NO_PERIOD = "none";

    private InputSums() {
    }

    /**
     * Whether ingest computes the input side in the same read as the mapping. Yes for text (CSV, CSV.gz): a second
     * read decompresses and parses every field again (about 20 s of a 60 s ingest of 10 M lines). No for Parquet: a
     * separate scan reads only the few columns it needs (about 1 s at 10 M lines), less than computing them in the
     * wide staging projection costs (docs/benchmarks.md).
     */
    static boolean inSameRead(SniffedFile file) {
        // JSON lines are text too, parsed once like CSV
        return file.container() != Container.PARQUET;
    }

    /** A separate scan of the provider file (the reconcile command, long after the ingest). */
    static Map<BillingPeriod, CostSums> of(Connection duck, SniffedFile file) {
        MappingQuery query = new MappingQuery(file);
        String sql = "SELECT rb_input_period, count(*), COALESCE(sum(rb_input_billed), 0), COALESCE(sum(rb_input_effective), 0),"
                + " COALESCE(sum(rb_input_list), 0) FROM (SELECT " + query.render(Sql.resource(file.format().inputAmountsSql()))
                + " FROM " + query.lines() + ") GROUP BY ALL";
        try {
            Map<BillingPeriod, CostSums> sums = sums(duck, file, sql);
            FileErrors.checkRejects(duck, file);
            return sums;
        } catch (SQLException e) {
            throw FileErrors.explain(duck, file, e);
        }
    }

    /**
     * The input sums of {@code file} from the scan of its staged Parquet (before any split by period): per line the
     * stored amount plus the check column (input minus stored), grouped by the input's own billing period.
     */
    static Map<BillingPeriod, CostSums> of(SniffedFile file, StagedSums.Scan scan) {
        Map<BillingPeriod, CostSums> sums = new TreeMap<>();
        scan.input().forEach((period, s) -> {
            if (period == null || period.equals(NO_PERIOD)) {
                // only text inputs are summed in the same read (inSameRead), and a CSV's line needs no connection
                throw FileErrors.missingBillingPeriod(null, file);
            }
            sums.merge(BillingPeriod.parse(period), s, CostSums::plus);
        });
        return sums;
    }

    /** Runs a query of (period, lines, billed, effective, list) rows; a line without a period is the file's error. */
    private static Map<BillingPeriod, CostSums> sums(Connection duck, SniffedFile file, String sql) throws SQLException {
        Map<BillingPeriod, CostSums> sums = new TreeMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String period = rs.getString(1);
                if (period == null || period.equals(NO_PERIOD)) {
                    throw FileErrors.missingBillingPeriod(duck, file);
                }
                sums.merge(BillingPeriod.parse(period), new CostSums(rs.getLong(2), rs.getBigDecimal(3),
                        rs.getBigDecimal(4), rs.getBigDecimal(5)), CostSums::plus);
            }
        }
        return sums;
    }
}
