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

    /**
     * The CEL compiler of io.rebill.rules.cel (docs/cel.md); starts loading it in the background. It compiles each
     * condition once: a bill asks for the same condition again when it builds its chain a second time (lines kept,
     * or a grouped chain that is not exact). A compiler the server keeps remembers at most {@link #REMEMBERED}
     * conditions (a few hundred bytes each); past that it compiles without remembering.
     */
    static PredicateCompiler cel() {
        CelSql.warmUp();
        java.util.Map<String, Compiled> compiled = new java.util.concurrent.ConcurrentHashMap<>();
        return expression -> {
            java.util.Objects.requireNonNull(expression, "expression");
            Compiled known = compiled.get(expression);
            if (known != null) {
                return known;
            }
            CompiledPredicate p = CelSql.compile(expression);
            Compiled c = new Compiled(p.sql(), p.parameters());
            if (compiled.size() < REMEMBERED) {
                compiled.putIfAbsent(expression, c);
            }
            return c;
        };
    }

    /** How many conditions one {@link #cel()} compiler remembers. */
    int REMEMBERED = 4096;
}
