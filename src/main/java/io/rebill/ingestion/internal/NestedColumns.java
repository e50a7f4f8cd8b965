package io.rebill.ingestion.internal;

import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The columns of a typed file (Parquet, JSON lines) with its nested records flattened to dotted names, the way a CSV
 * export of the same table names them: Google Cloud's BigQuery export holds {@code service} as a record of id and
 * description, read as {@code service.id} and {@code service.description}. Repeated records (labels, credits) stay
 * lists. Only names and types are read here (DESCRIBE), never a row.
 */
final class NestedColumns {
    /** Each column's DuckDB type, and for a flattened one its SQL over the raw scan (empty when nothing is nested). */
    record Flat(Map<String, String> types, Map<String, String> expressions) {
    }

    private NestedColumns() {
    }

    static String rawScan(Path path, Container container) {
        String literal = "'" + DuckDb.literal(path.toString()) + "'";
        return switch (container) {
            case PARQUET -> "read_parquet(" + literal + ")";
            case JSON_LINES -> "read_json(" + literal + ", format = 'newline_delimited')";
            case CSV, GZIP_CSV -> throw new IllegalArgumentException("a text file has no nested columns: " + path);
        };
    }

    static String flatScan(Map<String, String> expressions, String raw) {
        StringBuilder sql = new StringBuilder("(SELECT ");
        boolean first = true;
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            sql.append(first ? "" : ", ").append(e.getValue()).append(" AS ").append(DuckDb.identifier(e.getKey()));
            first = false;
        }
        return sql.append(" FROM ").append(raw).append(")").toString();
    }

    static Flat flatten(Path path, Container container, Connection duck) {
        String raw = rawScan(path, container);
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> expressions = new LinkedHashMap<>();
        boolean nested;
        try {
            nested = describe(duck, raw, "", "*", types, expressions);
        } catch (SQLException e) {
            String what = container == Container.PARQUET ? "a readable Parquet file" : "a readable JSON lines file";
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": not " + what + ": "
                    + FileSniffer.firstLine(e.getMessage()));
        }
        return nested ? new Flat(types, expressions) : new Flat(types, Map.of());
    }

    /**
     * Adds the columns of {@code select} (a struct's fields under {@code prefix}); returns whether any was a record.
     * A struct column is described through {@code unnest(column)}, which expands it into its fields.
     */
    private static boolean describe(Connection duck, String raw, String prefix, String select, Map<String, String> types,
                                    Map<String, String> expressions) throws SQLException {
        Map<String, String> found = new LinkedHashMap<>();
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT " + select + " FROM " + raw)) {
            while (rs.next()) {
                found.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        boolean nested = false;
        for (Map.Entry<String, String> c : found.entrySet()) {
            String name = prefix.isEmpty() ? c.getKey() : prefix + "." + c.getKey();
            String expression = prefix.isEmpty() ? DuckDb.identifier(c.getKey())
                    : expressions.get(prefix) + "." + DuckDb.identifier(c.getKey());
            if (c.getValue().startsWith("STRUCT(") && !c.getValue().endsWith("]")) { // a list of records stays a list
                nested = true;
                expressions.put(name, expression);
                describe(duck, raw, name, "unnest(" + expression + ")", types, expressions);
                expressions.remove(name);
            } else {
                types.put(name, c.getValue());
                expressions.put(name, expression);
            }
        }
        return nested;
    }
}
