package io.rebill.ingestion.internal;

import io.rebill.ingestion.CostSums;
import io.rebill.shared.time.BillingPeriod;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** The input side of reconciliation re-read on its own: one file's cost columns summed per billing period. */
final class InputSums {
    private InputSums() {
    }

    static Map<BillingPeriod, CostSums> of(Connection duck, SniffedFile file) {
        String sql = "SELECT in_period AS billing_period, count(*) AS line_count, COALESCE(sum(in_billed), 0) AS billed,"
                + " COALESCE(sum(in_effective), 0) AS effective, COALESCE(sum(in_list), 0) AS list FROM ("
                + new MappingQuery(file).inputSelect(Sql.resource(file.format().inputColumnsSql())) + ") GROUP BY ALL";
        Map<BillingPeriod, CostSums> sums = new TreeMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String period = rs.getString("billing_period");
                if (period == null) {
                    throw FileErrors.missingBillingPeriod(file);
                }
                sums.put(BillingPeriod.parse(period), new CostSums(rs.getLong("line_count"),
                        rs.getBigDecimal("billed"), rs.getBigDecimal("effective"), rs.getBigDecimal("list")));
            }
        } catch (SQLException e) {
            throw FileErrors.explain(file, e);
        }
        FileErrors.checkRejects(duck, file);
        return sums;
    }
}
