package io.rebill.rules.internal;

/** Turns a user's CEL predicate over {@code line} into a SQL condition over the canonical columns. */
@FunctionalInterface
public interface PredicateCompiler {
    /** The condition, NULL-safe (never NULL: a line the predicate cannot decide is not matched). */
    Compiled compile(String expression);

    record Compiled(String sql, java.util.List<Object> params) {
    }
}
