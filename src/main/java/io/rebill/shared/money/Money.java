package io.rebill.shared.money;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An exact amount in one currency (ISO 4217 code). Arithmetic between two currencies is an error, never a silent
 * mix; nothing here rounds (rounding happens once, in {@link RoundingPolicy}).
 */
public record Money(BigDecimal amount, String currency) implements Comparable<Money> {
    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        if (!isCode(currency)) {
            throw new IllegalArgumentException("currency '" + currency + "' is not an ISO 4217 code such as USD");
        }
    }

    /**
     * Three letters A to Z, as "[A-Z]{3}" would match; checked by hand because every amount is built through here
     * (an invoice list's totals sum thousands of lines a page) and a regular expression's matcher was most of it.
     */
    private static boolean isCode(String s) {
        return s.length() == 3 && letter(s.charAt(0)) && letter(s.charAt(1)) && letter(s.charAt(2));
    }

    private static boolean letter(char c) {
        return c >= 'A' && c <= 'Z';
    }

    public static Money of(BigDecimal amount, String currency) {
        return new Money(amount, currency);
    }

    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount), currency);
    }

    public static Money zero(String currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    public Money plus(Money other) {
        return new Money(amount.add(sameCurrency(other).amount), currency);
    }

    public Money minus(Money other) {
        return new Money(amount.subtract(sameCurrency(other).amount), currency);
    }

    public Money negate() {
        return new Money(amount.negate(), currency);
    }

    public int signum() {
        return amount.signum();
    }

    /** Equal amounts whatever their scale: 1.50 USD is 1.5 USD. */
    public boolean isSameAs(Money other) {
        return currency.equals(other.currency) && amount.compareTo(other.amount) == 0;
    }

    @Override
    public int compareTo(Money other) {
        return amount.compareTo(sameCurrency(other).amount);
    }

    private Money sameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + currency + " and " + other.currency);
        }
        return other;
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency;
    }
}
