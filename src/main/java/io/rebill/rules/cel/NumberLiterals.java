package io.rebill.rules.cel;

import dev.cel.common.ast.CelExpr;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The numbers written in a CEL condition, as the exact decimals money conditions compare with: CEL parses a double
 * literal to binary, so its value is read again from the expression's text, and held to what the line's columns can
 * hold (used by {@link Translator}).
 */
final class NumberLiterals {
    /** A CEL floating point literal without its sign (cel-spec: NUM_FLOAT). */
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String expression;
    private final Problems problems;

    NumberLiterals(String expression, Problems problems) {
        this.expression = expression;
        this.problems = problems;
    }

    /** A decimal literal within what the columns hold, so that comparing it never overflows DECIMAL(38, s). */
    Node.Literal decimal(CelExpr e, BigDecimal value) {
        BigDecimal normalized = Decimals.normalized(value);
        if (normalized.scale() > Decimals.COLUMN_SCALE) {
            throw problems.at(e, "the number " + value.toPlainString() + " has more than " + Decimals.COLUMN_SCALE
                    + " decimal places, more than Rebill stores");
        }
        if (Decimals.integerDigits(normalized) > Decimals.INTEGER_DIGITS) {
            throw problems.at(e, "the number " + value.toPlainString() + " has more than " + Decimals.INTEGER_DIGITS
                    + " digits before the decimal point, more than Rebill stores");
        }
        return new Node.Literal(normalized, Kind.DECIMAL);
    }

    /**
     * The exact value of a CEL double literal, read from the source text: CEL parses {@code 0.1} to a binary double,
     * and money conditions must compare with the decimal the user wrote.
     */
    BigDecimal exact(CelExpr e) {
        double parsed = e.constant().doubleValue();
        int offset = problems.offset(e);
        Optional<BigDecimal> written = offset < 0 ? Optional.empty() : numberAt(offset);
        return written.map(v -> parsed < 0 || (parsed == 0 && 1 / parsed < 0) ? v.negate() : v)
                .filter(v -> Double.compare(v.doubleValue(), parsed) == 0 || v.signum() == 0 && parsed == 0)
                .orElseThrow(() -> new IllegalStateException("cannot find the text of the number " + parsed
                        + " in " + expression));
    }

    private Optional<BigDecimal> numberAt(int codePointOffset) {
        int start = expression.offsetByCodePoints(0, codePointOffset);
        while (start < expression.length() && (expression.charAt(start) == '-'
                || Character.isWhitespace(expression.charAt(start)))) {
            start++;
        }
        java.util.regex.Matcher m = NUMBER.matcher(expression);
        m.region(start, expression.length());
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(m.group()));
    }
}
