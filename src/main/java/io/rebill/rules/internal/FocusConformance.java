package io.rebill.rules.internal;

import io.rebill.shared.duckdb.DuckDb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a FOCUS file against {@link FocusColumns}: every column present with its FOCUS type, no null where FOCUS
 * forbids one, only allowed values, and every rule of {@link FocusRules} (conditional nullability, the unit prices'
 * products, SkuPriceId's parent SkuId). Each violation names the file, the column, the rule,
 * how many rows break it and one of them (its x_LineId and value).
 */
public final class FocusConformance {
    private FocusConformance() {
    }

    public record Violation(Path file, String column, String rule, long rows, String lineId, String value) {
        @Override
        public String toString() {
            return file.getFileName() + ": " + column + " " + rule + (rows > 0 ? " (" + rows + " rows, e.g. x_LineId "
                    + lineId + ": " + (value == null ? "null" : "'" + value + "'") + ")" : "");
        }
    }

    public static List<Violation> check(Connection duck, Path file) throws SQLException {
        String from = "read_parquet('" + DuckDb.literal(file.toString()) + "')";
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + from)) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        List<Violation> violations = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (FocusColumns.Column c : FocusColumns.ALL) {
            String type = types.get(c.name());
            if (type == null) {
                violations.add(new Violation(file, c.name(), "is missing (" + c.level() + ")", 0, null, null));
                continue;
            }
            present.add(c.name());
            if (!hasType(type, c.type())) {
                violations.add(new Violation(file, c.name(), "MUST be of type " + c.type() + " but is " + type, 0, null, null));
                continue;
            }
            if (!c.nullable()) {
                rows(duck, from, c.name(), "MUST NOT be null", c.name() + " IS NULL", violations, file);
            }
            if (!c.allowed().isEmpty()) {
                String allowed = c.allowed().stream().map(v -> "'" + DuckDb.literal(v) + "'").collect(Collectors.joining(", "));
                rows(duck, from, c.name(), "MUST be one of the allowed values", c.name() + " NOT IN (" + allowed + ")",
                        violations, file);
            }
            if (c.type() == FocusColumns.Type.JSON) {
                rows(duck, from, c.name(), "MUST be a JSON object (Key-Value Format)", c.name()
                        + " IS NOT NULL AND (NOT json_valid(CAST(" + c.name() + " AS VARCHAR)) OR json_type(CAST(" + c.name()
                        + " AS VARCHAR)) <> 'OBJECT')", violations, file);
            }
        }
        // the prices the file's costs and quantities give (FocusUnitPrices), beside its own columns, for the product rules
        String priced = present.containsAll(List.of("PricingQuantity", "ContractedCost", "ListCost"))
                ? "(" + FocusUnitPrices.withPrices(from, "PricingQuantity", FocusRules.EXPECTED_PRICES) + ")" : from;
        for (FocusRules.Rule r : FocusRules.RULES) {
            if (present.contains(r.column()) && types.keySet().containsAll(r.reads())
                    && (!r.violatedWhen().contains("rb_expected_") || !priced.equals(from))) {
                rows(duck, r.violatedWhen().contains("rb_expected_") ? priced : from, r.column(), r.rule(),
                        r.violatedWhen().replace("{{file}}", from), violations, file);
            }
        }
        return violations;
    }

    private static boolean hasType(String duckType, FocusColumns.Type type) {
        return switch (type) {
            case STRING -> duckType.equals("VARCHAR");
            case DECIMAL -> duckType.startsWith("DECIMAL");
            case DATETIME -> duckType.equals("TIMESTAMP") || duckType.equals("TIMESTAMP WITH TIME ZONE");
            case JSON -> duckType.equals("JSON") || duckType.equals("VARCHAR");
        };
    }

    private static void rows(Connection duck, String from, String column, String rule, String violatedWhen,
                             List<Violation> violations, Path file) throws SQLException {
        String sql = "SELECT count(*), first(CAST(x_LineId AS VARCHAR)), first(CAST(" + column + " AS VARCHAR))"
                + " FROM " + from + " WHERE " + violatedWhen;
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long n = rs.getLong(1);
            if (n > 0) {
                violations.add(new Violation(file, column, rule, n, rs.getString(2), rs.getString(3)));
            }
        }
    }
}
