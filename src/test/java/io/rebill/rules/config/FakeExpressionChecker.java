package io.rebill.rules.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the CEL compiler: accepts an expression that refers to {@code line.} and has balanced parentheses,
 * and remembers what it was asked to check.
 */
final class FakeExpressionChecker implements ExpressionChecker {
    final List<String> checked = new ArrayList<>();

    @Override
    public void check(String expression) {
        checked.add(expression);
        if (!expression.contains("line.")) {
            throw new IllegalArgumentException("undeclared reference in '" + expression + "'; expected an expression"
                    + " over line");
        }
        int depth = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                throw new IllegalArgumentException("unexpected ')' at offset " + i);
            }
        }
        if (depth > 0) {
            throw new IllegalArgumentException("missing ')' at the end");
        }
    }
}
