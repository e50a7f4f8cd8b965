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
                "condition `" + expression + "`" + where(location) + ": " + what);
    }

    static RebillException whole(String expression, String what) {
        return new RebillException(ErrorCode.BAD_EXPRESSION, "condition `" + expression + "`: " + what);
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
