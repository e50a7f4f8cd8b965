package io.rebill.rules.config;

/**
 * Checks a CEL predicate over {@code line} (a rule's {@code when}, a customer's {@code match}) while msp.yaml is read,
 * so that a typo is reported with its file and line instead of failing the billing run. The application wires this
 * to the CEL compiler.
 */
@FunctionalInterface
public interface ExpressionChecker {
    /**
     * @throws IllegalArgumentException when the expression is not a valid predicate; its message says what is wrong
     */
    void check(String expression);
}
