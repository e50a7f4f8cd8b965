package io.rebill.rules.cel;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evaluates a {@link Node} tree over one line in Java: the reference the SQL is held against. {@code null} is
 * NULL, for values and for the unknown truth value alike; see {@link CelSql} for the rules.
 */
final class Evaluator {
    private final String expression;
    private final Map<CanonicalColumn, Object> line;

    private Evaluator(String expression, Map<CanonicalColumn, Object> line) {
        this.expression = expression;
        this.line = line;
    }

    static boolean test(CompiledPredicate predicate, Map<String, ?> line) {
        Object result = new Evaluator(predicate.expression(), normalized(line)).eval(predicate.condition());
        return Boolean.TRUE.equals(result);
    }

    private Object eval(Node node) {
        return switch (node) {
            case Node.Field f -> line.get(f.column());
            case Node.Literal l -> l.value();
            case Node.IsNull n -> (eval(n.operand()) == null) != n.negated();
            case Node.Not n -> {
                Boolean b = (Boolean) eval(n.operand());
                yield b == null ? null : !b;
            }
            case Node.And a -> and((Boolean) eval(a.left()), (Boolean) eval(a.right()));
            case Node.Or o -> or((Boolean) eval(o.left()), (Boolean) eval(o.right()));
            case Node.Conditional c -> {
                Boolean condition = (Boolean) eval(c.condition());
                yield condition == null ? null : condition ? eval(c.then()) : eval(c.otherwise());
            }
            case Node.Compare c -> compare(c);
            case Node.InList in -> in(in);
            case Node.StringTest t -> {
                String text = (String) eval(t.text());
                String argument = (String) eval(t.argument());
                if (text == null || argument == null) {
                    yield null;
                }
                yield switch (t.function()) {
                    case STARTS_WITH -> text.startsWith(argument);
                    case ENDS_WITH -> text.endsWith(argument);
                    case CONTAINS -> text.contains(argument);
                };
            }
            case Node.Matches m -> {
                String text = (String) eval(m.text());
                yield text == null ? null : m.compiled().matcher(text).find();
            }
            case Node.Size s -> {
                Object value = eval(s.operand());
                if (s.operand().kind() == Kind.TAGS) {
                    yield value == null ? 0L : (long) ((Map<?, ?>) value).size();
                }
                yield value == null ? null : (long) ((String) value).codePointCount(0, ((String) value).length());
            }
            case Node.TagValue t -> {
                Map<?, ?> tags = (Map<?, ?>) line.get(CanonicalColumn.TAGS);
                yield tags == null ? null : tags.get(t.key().value());
            }
            case Node.HasTag h -> {
                Map<?, ?> tags = (Map<?, ?>) line.get(CanonicalColumn.TAGS);
                yield tags != null && tags.containsKey(h.key().value());
            }
            case Node.TimePart p -> {
                LocalDateTime ts = (LocalDateTime) eval(p.timestamp());
                yield ts == null ? null : timePart(p.part(), ts);
            }
            case Node.Arithmetic a -> arithmetic(a);
            case Node.Negate n -> {
                Object value = eval(n.operand());
                if (value == null) {
                    yield null;
                }
                if (value instanceof Long l) {
                    yield exact(() -> Math.negateExact(l));
                }
                yield ((BigDecimal) value).negate();
            }
            case Node.ToDecimal d -> {
                Long value = (Long) eval(d.operand());
                yield value == null ? null : BigDecimal.valueOf(value);
            }
        };
    }

    /** Kleene logic, as SQL's AND: false wins over unknown. */
    private static Boolean and(Boolean left, Boolean right) {
        if (Boolean.FALSE.equals(left) || Boolean.FALSE.equals(right)) {
            return false;
        }
        return left == null || right == null ? null : true;
    }

    /** Kleene logic, as SQL's OR: true wins over unknown. */
    private static Boolean or(Boolean left, Boolean right) {
        if (Boolean.TRUE.equals(left) || Boolean.TRUE.equals(right)) {
            return true;
        }
        return left == null || right == null ? null : false;
    }

    private Boolean compare(Node.Compare c) {
        Object left = eval(c.left());
        Object right = eval(c.right());
        if (left == null || right == null) {
            return null;
        }
        int order = order(left, right);
        return switch (c.op()) {
            case EQ -> order == 0;
            case NE -> order != 0;
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
        };
    }

    private Boolean in(Node.InList in) {
        if (in.values().isEmpty()) {
            return false;
        }
        Object value = eval(in.operand());
        if (value == null) {
            return null;
        }
        return in.values().stream().anyMatch(v -> order(value, v.value()) == 0);
    }

    /**
     * Ordering as DuckDB orders: decimals by value (1.50 = 1.5), strings by code point (DuckDB compares UTF-8 bytes,
     * which orders like code points; Java's compareTo orders UTF-16 units and differs above U+FFFF).
     */
    private static int order(Object left, Object right) {
        return switch (left) {
            case BigDecimal d -> d.compareTo((BigDecimal) right);
            case String s -> compareCodePoints(s, (String) right);
            case Long l -> Long.compare(l, (Long) right);
            case Boolean b -> Boolean.compare(b, (Boolean) right);
            case LocalDateTime t -> t.compareTo((LocalDateTime) right);
            default -> throw new IllegalStateException("cannot order " + left.getClass());
        };
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private Object arithmetic(Node.Arithmetic a) {
        Object left = eval(a.left());
        Object right = eval(a.right());
        if (left == null || right == null) {
            return null;
        }
        if (left instanceof Long l) {
            long r = (Long) right;
            return exact(() -> switch (a.op()) {
                case ADD -> Math.addExact(l, r);
                case SUBTRACT -> Math.subtractExact(l, r);
                case MULTIPLY -> Math.multiplyExact(l, r);
                case MODULO -> l % r;
            });
        }
        BigDecimal l = (BigDecimal) left;
        BigDecimal r = (BigDecimal) right;
        return switch (a.op()) {
            case ADD -> l.add(r);
            case SUBTRACT -> l.subtract(r);
            case MULTIPLY -> l.multiply(r);
            case MODULO -> throw new IllegalStateException("% on decimals");
        };
    }

    /** Integer overflow and % 0 fail in DuckDB too; here they fail with the condition named. */
    private long exact(java.util.function.LongSupplier operation) {
        try {
            return operation.getAsLong();
        } catch (ArithmeticException e) {
            throw new RebillException(ErrorCode.BAD_VALUE,
                    "condition `" + expression + "`: integer arithmetic failed: " + e.getMessage(), e);
        }
    }

    private static long timePart(Node.TimestampPart part, LocalDateTime ts) {
        return switch (part) {
            case FULL_YEAR -> ts.getYear();
            case MONTH -> ts.getMonthValue() - 1;
            case DAY_OF_YEAR -> ts.getDayOfYear() - 1;
            case DAY_OF_MONTH -> ts.getDayOfMonth() - 1;
            case DATE -> ts.getDayOfMonth();
            case DAY_OF_WEEK -> ts.getDayOfWeek().getValue() % 7; // ISO Monday=1..Sunday=7; CEL Sunday=0
            case HOURS -> ts.getHour();
            case MINUTES -> ts.getMinute();
            case SECONDS -> ts.getSecond();
        };
    }

    /** The line's canonical values in the evaluator's types; other keys (an id, say) are ignored. */
    private static Map<CanonicalColumn, Object> normalized(Map<String, ?> line) {
        Map<CanonicalColumn, Object> values = new EnumMap<>(CanonicalColumn.class);
        for (CanonicalColumn column : CanonicalColumn.values()) {
            Object value = line.get(column.column());
            if (value != null) {
                values.put(column, normalized(column, value));
            }
        }
        return values;
    }

    private static Object normalized(CanonicalColumn column, Object value) {
        return switch (LineSchema.kind(column)) {
            case STRING -> {
                if (value instanceof CharSequence s) {
                    yield s.toString();
                }
                throw wrongType(column, value, "a String");
            }
            case DECIMAL -> switch (value) {
                case BigDecimal d -> d;
                case Long l -> BigDecimal.valueOf(l);
                case Integer i -> BigDecimal.valueOf(i);
                case BigInteger i -> new BigDecimal(i);
                default -> throw wrongType(column, value, "a BigDecimal (money is never a double)");
            };
            case TIMESTAMP -> switch (value) {
                case LocalDateTime t -> t;
                case Instant i -> LocalDateTime.ofInstant(i, ZoneOffset.UTC);
                case OffsetDateTime t -> t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
                case ZonedDateTime t -> t.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
                default -> throw wrongType(column, value, "a LocalDateTime in UTC, an Instant or an OffsetDateTime");
            };
            case TAGS -> {
                if (!(value instanceof Map<?, ?> map)) {
                    throw wrongType(column, value, "a Map<String, String>");
                }
                Map<String, String> tags = new LinkedHashMap<>();
                map.forEach((k, v) -> {
                    if (!(k instanceof String key) || !(v == null || v instanceof String)) {
                        throw wrongType(column, value, "a Map<String, String>");
                    }
                    tags.put(key, (String) v);
                });
                yield tags;
            }
            case BOOL, INT -> throw new IllegalStateException("no canonical column is " + LineSchema.kind(column));
        };
    }

    private static IllegalArgumentException wrongType(CanonicalColumn column, Object value, String expected) {
        return new IllegalArgumentException("line." + column.column() + " must be " + expected + ", was "
                + value.getClass().getName());
    }
}
