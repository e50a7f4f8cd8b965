package io.rebill.invoicing.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.rules.BillResult;
import io.rebill.rules.RatedPeriod;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rated period tells the MSP beside the invoices (spec §2, §4): the lines no customer claims, the
 * sub-accounts two customers claim, and per billing account and cost basis the customers' and unassigned sums
 * against the ingested total.
 */
public final class Reconciliation {
    private static final String MONEY = CanonicalColumn.MONEY_TYPE;

    private final RatedPeriod rated;

    public Reconciliation(RatedPeriod rated) {
        this.rated = rated;
    }

    public List<BillResult.Unassigned> unassigned() throws SQLException {
        List<BillResult.Unassigned> list = new ArrayList<>();
        try (Statement s = rated.duck().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT billing_account_id, sub_account_id, sum(lines), COALESCE(sum(billed_cost), 0),"
                        + " COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0) FROM bill_groups"
                        + " WHERE customer_id IS NULL GROUP BY ALL ORDER BY 1 NULLS FIRST, 2 NULLS FIRST")) {
            while (rs.next()) {
                list.add(new BillResult.Unassigned(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBigDecimal(4),
                        rs.getBigDecimal(5), rs.getBigDecimal(6)));
            }
        }
        return list;
    }

    public List<BillResult.ClaimedTwice> claimedTwice() throws SQLException {
        List<BillResult.ClaimedTwice> list = new ArrayList<>();
        try (Statement s = rated.duck().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT sub_account_id, claimed_twice, sum(lines) FROM bill_groups WHERE claimed_twice IS NOT NULL"
                        + " GROUP BY ALL ORDER BY 1")) {
            while (rs.next()) {
                Object[] arr = (Object[]) rs.getArray(2).getArray();
                List<String> names = new ArrayList<>();
                for (Object o : arr) {
                    names.add(String.valueOf(o));
                }
                list.add(new BillResult.ClaimedTwice(rs.getString(1), names, rs.getLong(3)));
            }
        }
        return list;
    }

    /** The period's ingested totals per billing account (the stored lines before any claim or rule) against the bill's split. */
    public List<BillResult.Reconciliation> reconcile() throws SQLException {
        Map<String, BigDecimal[]> ingested = new LinkedHashMap<>();
        String totals = "SELECT billing_account_id, CAST(COALESCE(sum(billed_cost), 0) AS " + MONEY + "), CAST(COALESCE("
                + "sum(effective_cost), 0) AS " + MONEY + "), CAST(COALESCE(sum(list_cost), 0) AS " + MONEY + ") FROM ";
        try (PreparedStatement ps = rated.duck().prepareStatement(totals + rated.ingested().from()
                + " GROUP BY 1 ORDER BY 1 NULLS FIRST")) {
            List<Object> params = rated.ingested().params();
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ingested.put(rs.getString(1), new BigDecimal[]{rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4)});
                }
            }
        }
        Map<String, BigDecimal[]> split = new HashMap<>();
        try (Statement s = rated.duck().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT billing_account_id, customer_id IS NULL AS unassigned, COALESCE(sum(billed_cost), 0),"
                        + " COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0) FROM bill_groups GROUP BY ALL")) {
            while (rs.next()) {
                split.put(rs.getString(1) + "\u0000" + rs.getBoolean(2),
                        new BigDecimal[]{rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getBigDecimal(5)});
            }
        }
        BigDecimal[] zero = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        String[] bases = {"billed", "effective", "list"};
        List<BillResult.Reconciliation> lines = new ArrayList<>();
        for (Map.Entry<String, BigDecimal[]> e : ingested.entrySet()) {
            BigDecimal[] customers = split.getOrDefault(e.getKey() + "\u0000false", zero);
            BigDecimal[] unassigned = split.getOrDefault(e.getKey() + "\u0000true", zero);
            for (int b = 0; b < 3; b++) {
                lines.add(new BillResult.Reconciliation(e.getKey(), bases[b], customers[b], unassigned[b], e.getValue()[b]));
            }
        }
        return lines;
    }
}
