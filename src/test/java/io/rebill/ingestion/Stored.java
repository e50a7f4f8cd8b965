package io.rebill.ingestion;

import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads stored canonical rows back for assertions, the way a user's query would see them. */
public final class Stored {
    private Stored() {
    }

    /** Every stored row, tags shown as a map ({team=web, env=prod}) as the FOCUS outputs carry them. */
    public static List<Map<String, Object>> rows(Ingestion ingestion, String source, BillingPeriod period, String orderBy) {
        List<Path> files = ingestion.lineItemFiles(source, period);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * REPLACE (" + CanonicalColumn.tagMapSql("tags")
                     + " AS tags) FROM " + StoredLines.read(c, files, "").sql() + " ORDER BY " + orderBy)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof BigDecimal d) {
                        v = plain(d);
                    } else if (v != null && !(v instanceof String)) {
                        v = String.valueOf(v);
                    }
                    row.put(md.getColumnName(i), v);
                }
                rows.add(row);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** A decimal as a person writes it: no trailing zeros, no exponent ("1.5", "0", "-0.0000001"). */
    public static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.signum() == 0 ? "0" : s.toPlainString();
    }
}
