package io.rebill.rules;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

final class RuleChecks {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private RuleChecks() {
    }

    static void common(String id, String title, Scope scope) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("rule id '" + id + "' must be 1-64 characters of a-z, 0-9, '_' or '-'");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("rule " + id + " needs a title");
        }
        Objects.requireNonNull(scope, "scope");
    }

    static void notNegative(String id, String field, BigDecimal value) {
        if (value == null || value.signum() < 0) {
            throw new IllegalArgumentException("rule " + id + ": " + field + " must be a number >= 0, was " + value);
        }
    }
}
