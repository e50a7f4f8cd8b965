package io.rebill.rules.cel;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.duckdb.DuckDb;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a {@link Node} tree as a DuckDB boolean expression. Literals become {@code CAST(? AS type)} with the value
 * in {@link #parameters}, in the order of the {@code ?}s; fields become the quoted canonical column names. Strings
 * are built left to right in the order the parameters are added, which keeps the two in step.
 */
final class SqlWriter {
    record Sql(String text, List<Object> parameters) {
        public Sql {
            parameters = List.copyOf(parameters);
        }
    }

    private final List<Object> parameters = new ArrayList<>();

    private SqlWriter() {
    }

    /** The condition as SQL that is never NULL: NULL (unknown) becomes false, see {@link CelSql}. */
    static Sql write(Node condition) {
        SqlWriter writer = new SqlWriter();
        String text = "COALESCE(" + writer.sql(condition) + ", FALSE)";
        return new Sql(text, writer.parameters);
    }

    private String sql(Node node) {
        return switch (node) {
            case Node.Field f -> DuckDb.identifier(f.column().column());
            case Node.Literal l -> literal(l, l.kind() == Kind.DECIMAL ? Node.scale(l) : 0);
            case Node.IsNull n -> "(" + sql(n.operand()) + (n.negated() ? " IS NOT NULL)" : " IS NULL)");
            case Node.Not n -> "(NOT " + sql(n.operand()) + ")";
            case Node.And a -> "(" + sql(a.left()) + " AND " + sql(a.right()) + ")";
            case Node.Or o -> "(" + sql(o.left()) + " OR " + sql(o.right()) + ")";
            case Node.Conditional c -> conditional(c);
            case Node.Compare c -> compare(c);
            case Node.InList in -> in(in);
            case Node.StringTest t -> switch (t.function()) {
                case STARTS_WITH -> "starts_with(" + sql(t.text()) + ", " + sql(t.argument()) + ")";
                case ENDS_WITH -> "ends_with(" + sql(t.text()) + ", " + sql(t.argument()) + ")";
                case CONTAINS -> "contains(" + sql(t.text()) + ", " + sql(t.argument()) + ")";
            };
            // CEL's matches() is RE2 search, true when the pattern occurs anywhere: DuckDB's regexp_matches, not
            // regexp_full_match.
            case Node.Matches m -> "regexp_matches(" + sql(m.text()) + ", " + sql(m.pattern()) + ")";
            case Node.Size s -> s.operand().kind() == Kind.TAGS
                    ? "CAST(COALESCE(len(" + sql(s.operand()) + "), 0) AS BIGINT)"
                    : "CAST(length(" + sql(s.operand()) + ") AS BIGINT)";
            case Node.TagValue t -> CanonicalColumn.tagValueSql(tags(), sql(t.key()));
            case Node.HasTag h -> CanonicalColumn.hasTagSql(tags(), sql(h.key()));
            case Node.TimePart p -> "CAST(" + timePart(p).formatted(sql(p.timestamp())) + " AS BIGINT)";
            case Node.Arithmetic a -> arithmetic(a);
            case Node.Negate n -> "(- " + sql(n.operand()) + ")";
            case Node.ToDecimal d -> "CAST(" + sql(d.operand()) + " AS " + Decimals.sqlType(0) + ")";
        };
    }

    private String literal(Node.Literal literal, int decimalScale) {
        parameters.add(literal.value());
        String type = switch (literal.kind()) {
            case BOOL -> "BOOLEAN";
            case INT -> "BIGINT";
            case DECIMAL -> Decimals.sqlType(decimalScale);
            case STRING -> "VARCHAR";
            case TIMESTAMP, TAGS -> throw new IllegalStateException("no literals of " + literal.kind());
        };
        return "CAST(? AS " + type + ")";
    }

    /** A decimal node as DECIMAL(38, scale); {@code scale} is never below the node's own, so nothing rounds. */
    private String decimal(Node node, int scale) {
        if (node instanceof Node.Literal l) {
            return literal(l, scale);
        }
        if (node instanceof Node.Arithmetic && Node.scale(node) == scale) {
            return sql(node); // already cast to its scale
        }
        return "CAST(" + sql(node) + " AS " + Decimals.sqlType(scale) + ")";
    }

    private String conditional(Node.Conditional c) {
        // A simple CASE on the condition: NULL matches neither branch, so the result is NULL as in the Java
        // evaluator (a searched CASE WHEN c would take the ELSE branch).
        String condition = sql(c.condition());
        if (c.kind() == Kind.DECIMAL) {
            int scale = Node.scale(c);
            return "(CASE " + condition + " WHEN TRUE THEN " + decimal(c.then(), scale)
                    + " WHEN FALSE THEN " + decimal(c.otherwise(), scale) + " END)";
        }
        return "(CASE " + condition + " WHEN TRUE THEN " + sql(c.then()) + " WHEN FALSE THEN " + sql(c.otherwise())
                + " END)";
    }

    private String compare(Node.Compare c) {
        String op = switch (c.op()) {
            case EQ -> " = ";
            case NE -> " <> ";
            case LT -> " < ";
            case LE -> " <= ";
            case GT -> " > ";
            case GE -> " >= ";
        };
        if (c.left().kind() == Kind.DECIMAL) {
            int scale = Math.max(Node.scale(c.left()), Node.scale(c.right()));
            return "(" + decimal(c.left(), scale) + op + decimal(c.right(), scale) + ")";
        }
        return "(" + sql(c.left()) + op + sql(c.right()) + ")";
    }

    private String in(Node.InList in) {
        if (in.values().isEmpty()) {
            return "FALSE";
        }
        if (in.operand().kind() == Kind.DECIMAL) {
            int scale = Node.scale(in.operand());
            for (Node.Literal v : in.values()) {
                scale = Math.max(scale, Node.scale(v));
            }
            String operand = decimal(in.operand(), scale);
            List<String> values = new ArrayList<>();
            for (Node.Literal v : in.values()) {
                values.add(literal(v, scale));
            }
            return "(" + operand + " IN (" + String.join(", ", values) + "))";
        }
        String operand = sql(in.operand());
        return "(" + operand + " IN (" + in.values().stream().map(this::sql).collect(Collectors.joining(", ")) + "))";
    }

    private String arithmetic(Node.Arithmetic a) {
        String op = switch (a.op()) {
            case ADD -> " + ";
            case SUBTRACT -> " - ";
            case MULTIPLY -> " * ";
            case MODULO -> " % ";
        };
        if (a.kind() == Kind.INT) {
            return "(" + sql(a.left()) + op + sql(a.right()) + ")";
        }
        int scale = Node.scale(a);
        boolean product = a.op() == Node.Operator.MULTIPLY;
        String left = decimal(a.left(), product ? Node.scale(a.left()) : scale);
        String right = decimal(a.right(), product ? Node.scale(a.right()) : scale);
        return "CAST((" + left + op + right + ") AS " + Decimals.sqlType(scale) + ")";
    }

    private static String timePart(Node.TimePart p) {
        return switch (p.part()) {
            case FULL_YEAR -> "year(%s)";
            case MONTH -> "(month(%s) - 1)";
            case DAY_OF_YEAR -> "(dayofyear(%s) - 1)";
            case DAY_OF_MONTH -> "(day(%s) - 1)";
            case DATE -> "day(%s)";
            case DAY_OF_WEEK -> "dayofweek(%s)";
            case HOURS -> "hour(%s)";
            case MINUTES -> "minute(%s)";
            case SECONDS -> "second(%s)";
        };
    }

    private static String tags() {
        return DuckDb.identifier(CanonicalColumn.TAGS.column());
    }
}
