package io.rebill.rules.internal;

import java.util.ArrayList;
import java.util.List;

/** SQL text with its positional parameters, in order. User values only ever travel as parameters. */
record SqlFragment(String sql, List<Object> params) {
    SqlFragment {
        params = List.copyOf(params);
    }

    static SqlFragment of(String sql, Object... params) {
        return new SqlFragment(sql, List.of(params));
    }

    static final SqlFragment TRUE = of("TRUE");

    SqlFragment and(SqlFragment other) {
        if (this == TRUE) {
            return other;
        }
        if (other == TRUE) {
            return this;
        }
        List<Object> p = new ArrayList<>(params);
        p.addAll(other.params);
        return new SqlFragment("(" + sql + ") AND (" + other.sql + ")", p);
    }

    static SqlFragment in(String column, List<String> values) {
        if (values.isEmpty()) {
            return TRUE;
        }
        return new SqlFragment(column + " IN (" + String.join(", ", values.stream().map(v -> "?").toList()) + ")",
                new ArrayList<>(values));
    }
}
