package io.rebill.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Display only: amounts with two places for a person to read. Files keep the exact values. */
final class Money {
    private Money() {
    }

    static String two(BigDecimal v) {
        return String.format("%,.2f", v.setScale(2, RoundingMode.HALF_UP));
    }
}
