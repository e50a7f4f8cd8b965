package io.rebill.rules.cel;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

/**
 * Compiles a user's CEL condition over {@code line} (a rule's {@code when}, spec §3) to DuckDB SQL. cel-java parses
 * and type-checks it against the canonical columns; the supported subset is then written as SQL, and
 * {@link CelReference} evaluates the same checked tree in Java. docs/cel.md lists the subset with examples.
 *
 * <h2>Values</h2>
 * {@code line.<column>} for every {@code io.rebill.ingestion.CanonicalColumn}: VARCHAR columns are strings,
 * TIMESTAMP columns timestamps (UTC), DECIMAL(38,24) columns decimals (a CEL double for type checking only; the
 * SQL computes on DECIMAL, the reference on BigDecimal, both exactly), and {@code line.tags} a map(string, string).
 * A number literal is the decimal written ({@code 0.1} is exactly 0.1), with at most 24 places and 14 digits before
 * the point.
 *
 * <h2>NULL</h2>
 * A condition is evaluated in SQL's three-valued logic, and a line matches only when the condition is TRUE:
 * <ul>
 *   <li>a NULL field, a missing tag ({@code line.tags['team']}) and anything computed from them (comparison,
 *       {@code in} a list, startsWith/endsWith/contains/matches, size of a string, a timestamp part, arithmetic)
 *       is NULL, "unknown";</li>
 *   <li>{@code !} of unknown is unknown, so {@code line.region_id != 'x'} and {@code !(line.region_id == 'x')}
 *       agree: neither matches a line without a region;</li>
 *   <li>{@code a && b} is false when either side is false, else unknown when either side is unknown;
 *       {@code a || b} is true when either side is true, else unknown when either side is unknown;</li>
 *   <li>{@code c ? x : y} is unknown when {@code c} is unknown;</li>
 *   <li>{@code x == null}, {@code x != null} and {@code has(line.x)} test for NULL and are never unknown;</li>
 *   <li>a line without tags (NULL) has no tags: {@code 'team' in line.tags} is false and {@code size(line.tags)}
 *       0;</li>
 *   <li>an unknown result does not match: the compiled SQL is {@code COALESCE(<condition>, FALSE)}.</li>
 * </ul>
 * This is also how CEL itself treats an error (a missing map key): {@code &&} and {@code ||} absorb it when the
 * other side decides, everything else passes it on, and a condition that ends in it is not true.
 *
 * <h2>Errors</h2>
 * A condition that does not parse, names a field {@code line} does not have, is not boolean or uses anything
 * outside the subset is a {@link RebillException} with {@link ErrorCode#BAD_EXPRESSION} whose message quotes the
 * condition, gives the column (and line) and says what is wrong, e.g.
 * {@code condition `line.regoin_id == 'x'` at column 6: no field 'regoin_id' on line; did you mean region_id?}.
 * At run time only integer overflow, {@code % 0} by a computed zero and decimals beyond DECIMAL(38, s) fail, in
 * DuckDB and in the reference alike.
 */
public final class CelSql {
    private CelSql() {
    }

    /**
     * Starts loading cel-java on a background thread, once per process: its first compile takes about 0.2 s of class
     * loading and setup, which a fresh process (a bill from the command line) can spend while it opens DuckDB and
     * reads its configuration instead of before its first condition.
     */
    public static void warmUp() {
        io.rebill.shared.WarmUp.once("cel-warm-up", () -> compile("line.region_id == 'x'"));
    }

    /** Parses, checks and compiles a condition; a {@link RebillException} (BAD_EXPRESSION) says what is wrong. */
    public static CompiledPredicate compile(String expression) {
        Node condition = Frontend.compile(expression);
        SqlWriter.Sql sql = SqlWriter.write(condition);
        return new CompiledPredicate(expression, sql.text(), sql.parameters(), condition);
    }
}
