package io.rebill.cli;

import io.rebill.shared.money.DisplayAmounts;

import java.math.BigDecimal;

/** Display only: amounts with two places for a person to read, as the portal shows them. Files keep the exact values. */
final class Money {
    private Money() {
    }

    static String two(BigDecimal v) {
        return DisplayAmounts.display(v);
    }

    static String count(long n) {
        return DisplayAmounts.count(n);
    }
}
