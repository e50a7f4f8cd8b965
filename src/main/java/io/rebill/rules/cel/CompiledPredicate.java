package io.rebill.rules.cel;

import java.util.List;
import java.util.Objects;

/**
 * A condition compiled to DuckDB SQL ({@link CelSql#compile}). {@link #sql()} is a boolean expression over the
 * canonical columns (never NULL) to embed in a WHERE or CASE WHEN over a relation that has them, by their
 * canonical names; {@link #parameters()} are the values of its {@code ?}s in order, each a {@code String},
 * {@code Long}, {@code Boolean} or {@code BigDecimal} for {@code PreparedStatement.setObject}.
 */
public final class CompiledPredicate {
    private final String expression;
    private final String sql;
    private final List<Object> parameters;
    private final Node condition;

    CompiledPredicate(String expression, String sql, List<Object> parameters, Node condition) {
        this.expression = Objects.requireNonNull(expression, "expression");
        this.sql = Objects.requireNonNull(sql, "sql");
        this.parameters = List.copyOf(parameters);
        this.condition = Objects.requireNonNull(condition, "condition");
    }

    /** The CEL condition as written. */
    public String expression() {
        return expression;
    }

    public String sql() {
        return sql;
    }

    public List<Object> parameters() {
        return parameters;
    }

    /** The checked tree that both the SQL and the reference evaluator come from. */
    Node condition() {
        return condition;
    }

    @Override
    public String toString() {
        return expression + " -> " + sql + " " + parameters;
    }
}
