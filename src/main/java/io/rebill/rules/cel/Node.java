package io.rebill.rules.cel;

import com.google.re2j.Pattern;
import io.rebill.ingestion.CanonicalColumn;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The checked condition in the supported subset: what {@link SqlWriter} turns into SQL and {@link Evaluator}
 * evaluates in Java, so both read the same tree. Built only by {@link Translator}, which has already checked kinds,
 * so the records hold no user text except literal values.
 */
sealed interface Node {
    Kind kind();

    /** {@code line.<column>}. */
    record Field(CanonicalColumn column, Kind kind) implements Node {
    }

    /** A literal value; never null ({@code x == null} is {@link IsNull}). Decimals are exact, from the source text. */
    record Literal(Object value, Kind kind) implements Node {
        public Literal {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code x == null} ({@code negated}: {@code x != null}, {@code has(line.x)}): never NULL itself. */
    record IsNull(Node operand, boolean negated) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    record Not(Node operand) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    record And(Node left, Node right) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    record Or(Node left, Node right) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    /** {@code condition ? then : otherwise}; NULL when the condition is NULL. */
    record Conditional(Node condition, Node then, Node otherwise) implements Node {
        public Kind kind() {
            return then.kind();
        }
    }

    /** Both operands of one kind (an int meeting a decimal has been wrapped in {@link ToDecimal}). */
    record Compare(Comparison op, Node left, Node right) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    /** {@code operand in [values]}; the values have the operand's kind. */
    record InList(Node operand, List<Literal> values) implements Node {
        public InList {
            values = List.copyOf(values);
        }

        public Kind kind() {
            return Kind.BOOL;
        }
    }

    /** {@code text.startsWith(argument)} and friends. */
    record StringTest(StringFunction function, Node text, Node argument) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    /** {@code text.matches(pattern)}: RE2 syntax, true when the pattern matches anywhere in the text. */
    record Matches(Node text, Literal pattern, Pattern compiled) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    /** {@code size(x)}: code points of a string, entries of the tags (NULL tags count as empty). */
    record Size(Node operand) implements Node {
        public Kind kind() {
            return Kind.INT;
        }
    }

    /** {@code line.tags['key']}: NULL when the tag is missing. */
    record TagValue(Literal key) implements Node {
        public Kind kind() {
            return Kind.STRING;
        }
    }

    /** {@code 'key' in line.tags}: false, never NULL, when the line has no tags. */
    record HasTag(Literal key) implements Node {
        public Kind kind() {
            return Kind.BOOL;
        }
    }

    /** {@code ts.getHours()} and friends, in UTC. */
    record TimePart(TimestampPart part, Node timestamp) implements Node {
        public Kind kind() {
            return Kind.INT;
        }
    }

    /** {@code + - * %} over two operands of one kind (INT or DECIMAL; {@code %} only INT). */
    record Arithmetic(Operator op, Node left, Node right) implements Node {
        public Kind kind() {
            return left.kind();
        }
    }

    record Negate(Node operand) implements Node {
        public Kind kind() {
            return operand.kind();
        }
    }

    /** An int expression used where a decimal is compared. */
    record ToDecimal(Node operand) implements Node {
        public Kind kind() {
            return Kind.DECIMAL;
        }
    }

    enum Comparison { EQ, NE, LT, LE, GT, GE }

    enum StringFunction { STARTS_WITH, ENDS_WITH, CONTAINS }

    enum Operator { ADD, SUBTRACT, MULTIPLY, MODULO }

    /** CEL's timestamp accessors; CEL counts months, days of the month and of the year from 0. */
    enum TimestampPart {
        FULL_YEAR("getFullYear"),
        MONTH("getMonth"),
        DAY_OF_YEAR("getDayOfYear"),
        DAY_OF_MONTH("getDayOfMonth"),
        DATE("getDate"),
        DAY_OF_WEEK("getDayOfWeek"),
        HOURS("getHours"),
        MINUTES("getMinutes"),
        SECONDS("getSeconds");

        private final String function;

        TimestampPart(String function) {
            this.function = function;
        }

        String function() {
            return function;
        }

        static Optional<TimestampPart> byFunction(String name) {
            for (TimestampPart p : values()) {
                if (p.function.equals(name)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /** The number of decimal places of a DECIMAL node: exact results need no more (see {@link Decimals}). */
    static int scale(Node node) {
        return switch (node) {
            case Field f -> Decimals.COLUMN_SCALE;
            case Literal l -> ((BigDecimal) l.value()).scale();
            case Arithmetic a -> a.op() == Operator.MULTIPLY
                    ? scale(a.left()) + scale(a.right())
                    : Math.max(scale(a.left()), scale(a.right()));
            case Negate n -> scale(n.operand());
            case Conditional c -> Math.max(scale(c.then()), scale(c.otherwise()));
            case ToDecimal t -> 0;
            case IsNull n -> throw notDecimal(node);
            case Not n -> throw notDecimal(node);
            case And n -> throw notDecimal(node);
            case Or n -> throw notDecimal(node);
            case Compare n -> throw notDecimal(node);
            case InList n -> throw notDecimal(node);
            case StringTest n -> throw notDecimal(node);
            case Matches n -> throw notDecimal(node);
            case Size n -> throw notDecimal(node);
            case TagValue n -> throw notDecimal(node);
            case HasTag n -> throw notDecimal(node);
            case TimePart n -> throw notDecimal(node);
        };
    }

    private static IllegalStateException notDecimal(Node node) {
        return new IllegalStateException("not a decimal: " + node);
    }
}
