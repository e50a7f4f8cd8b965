package io.rebill.rules.cel;

import java.util.Map;

/**
 * Evaluates a condition over one line in Java, from the same checked tree that {@link CelSql} writes as SQL, with
 * the NULL rules described there. It is the reference the SQL is tested against and a way to explain a single
 * line ("why did this rule apply?") without DuckDB.
 *
 * <p>The line maps canonical column names ({@code region_id}, {@code billed_cost}, ...) to values: {@code String};
 * {@code BigDecimal} (or an integral {@code Long}, {@code Integer}, {@code BigInteger}; never a double) for money
 * and quantities; {@code LocalDateTime} in UTC, {@code Instant}, {@code OffsetDateTime} or {@code ZonedDateTime} for
 * timestamps; {@code Map<String, String>} for tags. A missing key or a {@code null} value is NULL; keys that are not
 * canonical columns are ignored.
 */
public final class CelReference {
    private CelReference() {
    }

    public static boolean evaluate(CompiledPredicate predicate, Map<String, ?> line) {
        return Evaluator.test(predicate, line);
    }

    /** Compiles and evaluates; a bad condition is a RebillException as from {@link CelSql#compile}. */
    public static boolean evaluate(String expression, Map<String, ?> line) {
        return evaluate(CelSql.compile(expression), line);
    }
}
