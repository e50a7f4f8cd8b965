package io.rebill.costs;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.StoredLines;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The costs feature's facade: grouped cost reports over stored canonical line items, summed exactly in DuckDB. */
public final class CostQuery {
    private final Ingestion ingestion;

    public CostQuery(Ingestion ingestion) {
        this.ingestion = ingestion;
    }

    public CostReport run(CostRequest request) {
        List<Path> files = new ArrayList<>();
        for (String source : request.sources()) {
            files.addAll(ingestion.lineItemFiles(source, request.period()));
        }
        List<String> select = new ArrayList<>();
        List<String> tagKeys = new ArrayList<>();
        for (CostDimension d : request.groupBy()) {
            if (d.column() != null) {
                select.add(d.column().column());
            } else {
                select.add(CanonicalColumn.tagValueSql(CanonicalColumn.TAGS.column(), "?"));
                tagKeys.add(d.tagKey());
            }
        }
        String keys = String.join(", ", select);
        List<CostRow> rows = new ArrayList<>();
        try (Connection duck = DuckDb.open(ingestion.settings());
             PreparedStatement ps = duck.prepareStatement("SELECT " + (keys.isEmpty() ? "" : keys + ", ")
                     + "COALESCE(sum(" + request.basis().column().column() + "), 0) AS cost, count(*) AS line_count"
                     + " FROM " + StoredLines.read(duck, files, "").sql() + " WHERE billing_period = ?"
                     + (keys.isEmpty() ? "" : " GROUP BY ALL") + " ORDER BY cost DESC"
                     + (keys.isEmpty() ? "" : ", " + orderKeys(select.size())))) {
            int i = 1;
            for (String tag : tagKeys) {
                ps.setString(i++, tag);
            }
            ps.setString(i, request.period().toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> k = new ArrayList<>();
                    for (int c = 1; c <= select.size(); c++) {
                        k.add(rs.getString(c));
                    }
                    rows.add(new CostRow(k, atLeastCents(rs.getBigDecimal("cost")), rs.getLong("line_count")));
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cost query failed: " + e.getMessage(), e);
        }
        return new CostReport(request, rows);
    }

    /** The exact sum without its trailing zeros, but never fewer than two places (10.105, 3.3333333333, 1.50). */
    static BigDecimal atLeastCents(BigDecimal sum) {
        BigDecimal stripped = sum.stripTrailingZeros();
        return stripped.setScale(Math.max(2, stripped.scale()));
    }

    private static String orderKeys(int n) {
        List<String> positions = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            positions.add(String.valueOf(i));
        }
        return String.join(", ", positions);
    }
}
