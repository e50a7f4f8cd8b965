package io.rebill.rules;

import io.rebill.rules.cel.CelSql;
import io.rebill.rules.cel.CompiledPredicate;

import java.util.List;

/** Turns a user's CEL predicate over {@code line} into a SQL condition over the canonical columns. */
@FunctionalInterface
public interface PredicateCompiler {
    /** The condition, NULL-safe (never NULL: a line the predicate cannot decide is not matched). */
    Compiled compile(String expression);

    record Compiled(String sql, List<Object> params) {
        public Compiled {
            params = List.copyOf(params);
        }
    }

    /** The CEL compiler of io.rebill.rules.cel (docs/cel.md); starts loading it in the background. */
    static PredicateCompiler cel() {
        CelSql.warmUp();
        return expression -> {
            CompiledPredicate p = CelSql.compile(expression);
            return new Compiled(p.sql(), p.parameters());
        };
    }
}
