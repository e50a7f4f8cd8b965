package io.rebill.ingestion.internal;

import io.rebill.ingestion.CostSums;
import io.rebill.shared.time.BillingPeriod;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** The input side of reconciliation: one file's own cost columns summed per billing period, in a separate scan. */
final class InputSums {
    private InputSums() {
    }

    static Map<BillingPeriod, CostSums> of(Connection duck, SniffedFile file) {
        String sql = new MappingQuery(file).render(Sql.resource(file.format().inputSumsSql()));
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
