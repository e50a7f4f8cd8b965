package io.rebill.rules.cel;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.duckdb.DuckDb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static java.util.Arrays.stream;

/** A DuckDB table {@code lines(id, <every canonical column>)} with the canonical types, to run compiled SQL on. */
final class LineTable {
    private final Connection connection;

    LineTable(Connection connection) throws SQLException {
        this.connection = connection;
        String columns = stream(CanonicalColumn.values())
                .map(c -> DuckDb.identifier(c.column()) + " " + c.sqlType())
                .collect(Collectors.joining(", "));
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE OR REPLACE TABLE lines (id INTEGER, " + columns + ")");
        }
    }

    /** Inserts the lines with ids 0, 1, 2, ... in list order. */
    void insert(List<Map<String, Object>> lines) throws SQLException {
        List<String> placeholders = new ArrayList<>();
        placeholders.add("?");
        for (CanonicalColumn c : CanonicalColumn.values()) {
            placeholders.add(c == CanonicalColumn.TAGS
                    ? "CASE WHEN CAST(? AS BOOLEAN) THEN CAST(map_entries(map(CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]))) AS "
                    + CanonicalColumn.TAGS_TYPE + ") END"
                    : "CAST(? AS " + c.sqlType() + ")");
        }
        String sql = "INSERT INTO lines VALUES (" + String.join(", ", placeholders) + ")";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            for (int id = 0; id < lines.size(); id++) {
                Map<String, Object> line = lines.get(id);
                int i = 1;
                p.setInt(i++, id);
                for (CanonicalColumn c : CanonicalColumn.values()) {
                    Object value = line.get(c.column());
                    if (c == CanonicalColumn.TAGS) {
                        Map<?, ?> tags = value == null ? Map.of() : (Map<?, ?>) value;
                        p.setBoolean(i++, value != null);
                        p.setArray(i++, connection.createArrayOf("VARCHAR", tags.keySet().toArray()));
                        p.setArray(i++, connection.createArrayOf("VARCHAR", tags.values().toArray()));
                    } else {
                        p.setObject(i++, value);
                    }
                }
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /** The ids of the lines the compiled condition selects, ascending. */
    List<Integer> select(CompiledPredicate predicate) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT id FROM lines WHERE " + predicate.sql() + " ORDER BY id")) {
            List<Object> parameters = predicate.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                p.setObject(i + 1, parameters.get(i));
            }
            List<Integer> ids = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getInt(1));
                }
            }
            return ids;
        }
    }

    /** The ids of the lines the reference evaluator accepts, ascending. */
    static List<Integer> reference(CompiledPredicate predicate, List<Map<String, Object>> lines) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < lines.size(); id++) {
            if (CelReference.evaluate(predicate, lines.get(id))) {
                ids.add(id);
            }
        }
        return ids;
    }
}
