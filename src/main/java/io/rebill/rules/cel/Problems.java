package io.rebill.rules.cel;

import dev.cel.common.CelSource;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelExpr;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

/**
 * Builds the {@link ErrorCode#BAD_EXPRESSION} errors of one condition: the condition, where in it (column, and line
 * when it spans lines; counted from 1 in characters) and what is wrong.
 */
final class Problems {
    private final String expression;
    private final CelSource source;

    Problems(String expression, CelSource source) {
        this.expression = expression;
        this.source = source;
    }

    RebillException at(CelExpr expr, String what) {
        return atOffset(offset(expr), what);
    }

    RebillException atOffset(int offset, String what) {
        CelSourceLocation location = offset < 0 ? CelSourceLocation.NONE
                : source.getOffsetLocation(offset).orElse(CelSourceLocation.NONE);
        return atLocation(location, what);
    }

    RebillException atLocation(CelSourceLocation location, String what) {
        return new RebillException(ErrorCode.BAD_EXPRESSION,
                "condition " + echo(expression, index(location)) + where(location) + ": " + what);
    }

    static RebillException whole(String expression, String what) {
        return new RebillException(ErrorCode.BAD_EXPRESSION, "condition " + echo(expression, -1) + ": " + what);
    }

    /** The longest condition echoed whole in an error; a longer one is shown as the part around the problem. */
    static final int MAX_ECHO = 200;
    private static final int EXCERPT = 100;

    /**
     * The condition in backquotes, or for one over {@value #MAX_ECHO} characters (a pasted blob, an attack on the
     * log or the page) an excerpt of {@value #EXCERPT} around {@code at} with its length (issue 14 item 9).
     */
    static String echo(String expression, int at) {
        if (expression.length() <= MAX_ECHO) {
            return "`" + expression + "`";
        }
        int from = at < 0 ? 0 : Math.max(0, Math.min(at - EXCERPT / 2, expression.length() - EXCERPT));
        int to = Math.min(expression.length(), from + EXCERPT);
        return "`" + (from > 0 ? "..." : "") + expression.substring(from, to) + (to < expression.length() ? "..." : "")
                + "` (" + expression.length() + " characters, shown from character " + (from + 1) + ")";
    }

    /** The character index of a location in the expression, -1 when it has none. */
    private int index(CelSourceLocation location) {
        if (location == CelSourceLocation.NONE || location.getLine() < 1 || location.getColumn() < 0) {
            return -1;
        }
        int index = 0;
        for (int line = 1; line < location.getLine(); line++) {
            int newline = expression.indexOf('\n', index);
            if (newline < 0) {
                return -1;
            }
            index = newline + 1;
        }
        return index + location.getColumn();
    }

    /** The code point offset CEL recorded for the expression, -1 when it has none (macro expansions). */
    int offset(CelExpr expr) {
        Integer offset = source.getPositionsMap().get(expr.id());
        return offset == null ? -1 : offset;
    }

    private String where(CelSourceLocation location) {
        if (location == CelSourceLocation.NONE || location.getLine() < 1 || location.getColumn() < 0) {
            return "";
        }
        String column = "column " + (location.getColumn() + 1);
        return expression.indexOf('\n') < 0 ? " at " + column : " at line " + location.getLine() + ", " + column;
    }
}
