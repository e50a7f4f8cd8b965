package io.rebill.rules.cel;

import io.rebill.ingestion.CanonicalColumn;

import java.math.BigDecimal;
import java.util.regex.Matcher;

/**
 * Exact decimal arithmetic that DuckDB and Java agree on. DuckDB keeps a DECIMAL(38, s) exact: sums and
 * differences need max(s1, s2) places, products s1 + s2 places, and a value with s places has 38 - s digits left
 * before the point, beyond which DuckDB raises an error rather than round. So every decimal in the SQL is cast
 * explicitly to DECIMAL(38, s) with the scale of {@link Node#scale}, never to a type DuckDB picks (it would pick
 * DECIMAL(38,0) for a CASE over DECIMAL(38,0) and DECIMAL(38,24) and drop the fraction).
 */
final class Decimals {
    /** Places of the canonical money and quantity columns, from {@link CanonicalColumn#MONEY_TYPE}. */
    static final int COLUMN_SCALE = columnScale();

    /** Digits before the point of a canonical money value, and the most a literal may have. */
    static final int INTEGER_DIGITS = 38 - COLUMN_SCALE;

    /**
     * The most places a computed value may need. 30 leaves 8 digits before the point (amounts below 100 million
     * per line) for products such as {@code line.billed_cost * 1.000001}; more is rejected when compiling.
     */
    static final int MAX_SCALE = 30;

    private Decimals() {
    }

    static String sqlType(int scale) {
        return "DECIMAL(38," + scale + ")";
    }

    /** The value with no trailing zeros and no negative scale: {@code 1.50} -> {@code 1.5}, {@code 1E+3} -> 1000. */
    static BigDecimal normalized(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Digits before the decimal point (0 for 0.5). */
    static int integerDigits(BigDecimal value) {
        return Math.max(0, value.precision() - value.scale());
    }

    private static int columnScale() {
        Matcher m = java.util.regex.Pattern.compile("DECIMAL\\(38, *(\\d+)\\)").matcher(CanonicalColumn.MONEY_TYPE);
        if (!m.matches()) {
            throw new IllegalStateException("unexpected money type " + CanonicalColumn.MONEY_TYPE);
        }
        return Integer.parseInt(m.group(1));
    }
}
