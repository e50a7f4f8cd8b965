package io.rebill.rules.cel;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random lines and random conditions over the supported subset, from one seeded {@link Random} so that a failure
 * repeats. Values come from small pools (with NULLs, non-ASCII text, a newline) so that conditions often hit them;
 * magnitudes stay where DECIMAL(38, s) holds every intermediate result exactly.
 */
final class ConditionGenerator {
    static final List<String> REGIONS = pool("us-east-1", "us-east-2", "eu-west-1", "ap-south-1", "", "zürich-1",
            "😀-east", "us-east-1\nx", "e\u0301-west", "\uE000-1", null);
    static final List<String> SERVICES = pool("AmazonEC2", "AmazonS3", "AWSLambda", "amazonec2", null);
    static final List<String> CHARGE_TYPES = pool("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "RIFee",
            "Tax", "Credit", null);
    static final List<String> TEXT_LITERALS = pool("us-", "east", "-1", "Amazon", "Usage", "", "z", "ü", "😀",
            "\uE000", "A", "x", "é", "us-east-1", "AmazonEC2", "Tax", "eu-west-1");
    static final List<String> REGEXES = pool("^us-", "east-[12]$", "Usage$", "(?i)amazon", "^$", "\\d", "[^a-z0-9-]",
            ".", "^.{5,9}$", "S3|EC2", "ü", "^x", "x$", "1.x", "^\\p{L}", "Plan.*Usage");
    static final List<String> TAG_KEYS = pool("team", "env", "cost-center", "aws:createdBy");
    static final List<String> TAG_VALUES = pool("platform", "data", "", "prod", "dev");
    static final List<String> STRING_FIELDS = pool("region_id", "service_name", "x_charge_type");
    static final List<String> DECIMAL_FIELDS = pool("billed_cost", "effective_cost", "list_cost");
    static final List<String> TIMESTAMP_FIELDS = pool("charge_period_start", "charge_period_end");
    static final List<String> PARTS = pool("getFullYear", "getMonth", "getDayOfYear", "getDayOfMonth", "getDate",
            "getDayOfWeek", "getHours", "getMinutes", "getSeconds");
    static final List<String> COMPARISONS = pool("==", "!=", "<", "<=", ">", ">=");
    static final List<String> ORDERINGS = pool("<", "<=", ">", ">=");

    private static final LocalDateTime EPOCH = LocalDateTime.of(1999, 1, 1, 0, 0);
    private static final long SPAN_MICROS = ChronoUnit.MICROS.between(EPOCH, LocalDateTime.of(2032, 1, 1, 0, 0));

    private final Random random;

    ConditionGenerator(long seed) {
        this.random = new Random(seed);
    }

    // ---- lines

    Map<String, Object> line() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("region_id", pick(REGIONS));
        line.put("service_name", pick(SERVICES));
        line.put("x_charge_type", pick(CHARGE_TYPES));
        for (String field : DECIMAL_FIELDS) {
            line.put(field, chance(10) ? null : money());
        }
        LocalDateTime start = chance(5) ? null : EPOCH.plus(Math.floorMod(random.nextLong(), SPAN_MICROS),
                ChronoUnit.MICROS);
        line.put("charge_period_start", start);
        line.put("charge_period_end", start == null || chance(10) ? null
                : start.plus(random.nextInt(72 * 3600) * 1_000_000L - 3_600_000_000L, ChronoUnit.MICROS));
        if (!chance(20)) {
            Map<String, String> tags = new LinkedHashMap<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                tags.put(pick(TAG_KEYS), pick(TAG_VALUES));
            }
            line.put("tags", tags);
        }
        return line;
    }

    /** Up to 100,000 with up to 12 places; sometimes a value the literals also produce. */
    private BigDecimal money() {
        if (chance(15)) {
            return pick(pool("0", "0.1", "1", "-1", "2.5", "10", "0.000000000001"))
                    .transform(BigDecimal::new);
        }
        int scale = random.nextInt(13);
        long unscaled = (long) ((random.nextDouble() * 2 - 1) * Math.pow(10, 5 + scale));
        return BigDecimal.valueOf(unscaled, scale);
    }

    // ---- conditions

    String condition(int depth) {
        if (depth <= 0 || chance(30)) {
            return atom(depth);
        }
        return switch (random.nextInt(6)) {
            case 0 -> "!(" + condition(depth - 1) + ")";
            case 1 -> "(" + condition(depth - 1) + " && " + condition(depth - 1) + ")";
            case 2 -> "(" + condition(depth - 1) + " || " + condition(depth - 1) + ")";
            case 3 -> "(" + condition(depth - 1) + " ? " + condition(depth - 1) + " : " + condition(depth - 1) + ")";
            case 4 -> "((" + condition(depth - 1) + ") " + pick(COMPARISONS) + " (" + condition(depth - 1) + "))";
            default -> atom(depth);
        };
    }

    private String atom(int depth) {
        int d = Math.max(0, depth - 1);
        return switch (random.nextInt(16)) {
            case 0, 1 -> text(d) + " " + pick(COMPARISONS) + " " + (chance(60) ? quote(pick(TEXT_LITERALS)) : text(d));
            case 2, 3 -> decimal(d) + " " + pick(COMPARISONS) + " " + (chance(50) ? decimalLiteral() : decimal(d));
            case 4 -> decimal(d) + " " + pick(ORDERINGS) + " " + intLiteral();
            case 5 -> integer(d) + " " + pick(COMPARISONS) + " " + (chance(50) ? intLiteral() : integer(d));
            // a plain int: a product of ints compared at 30 places could exceed DECIMAL(38, 30)
            case 6 -> integer(0) + " " + pick(ORDERINGS) + " " + (chance(50) ? decimalLiteral() : decimal(d));
            case 7 -> "line." + pick(TIMESTAMP_FIELDS) + " " + pick(COMPARISONS) + " line." + pick(TIMESTAMP_FIELDS);
            case 8 -> nullTest(d);
            case 9 -> text(d) + " in " + list(() -> quote(pick(TEXT_LITERALS)));
            case 10 -> chance(50) ? integer(d) + " in " + list(this::intLiteral)
                    : decimal(d) + " in " + list(this::decimalLiteral);
            case 11 -> text(d) + "." + pick(pool("startsWith", "endsWith", "contains")) + "("
                    + (chance(70) ? quote(pick(TEXT_LITERALS)) : text(d)) + ")";
            case 12 -> text(d) + ".matches(" + quote(pick(REGEXES)) + ")";
            case 13 -> chance(50) ? quote(pick(TAG_KEYS)) + " in line.tags" : "has(line.tags." + pick(pool("team",
                    "env")) + ")";
            case 14 -> "size(line.tags) " + pick(COMPARISONS) + " " + random.nextInt(4);
            default -> chance(50) ? "true" : "false";
        };
    }

    private String nullTest(int depth) {
        return switch (random.nextInt(5)) {
            case 0 -> "line." + pick(STRING_FIELDS) + (chance(50) ? " == null" : " != null");
            case 1 -> "line." + pick(DECIMAL_FIELDS) + (chance(50) ? " == null" : " != null");
            case 2 -> "line." + pick(TIMESTAMP_FIELDS) + (chance(50) ? " == null" : " != null");
            case 3 -> "has(line." + pick(pool(pick(STRING_FIELDS), pick(DECIMAL_FIELDS), pick(TIMESTAMP_FIELDS),
                    "tags")) + ")";
            default -> "line.tags[" + quote(pick(TAG_KEYS)) + "]" + (chance(50) ? " == null" : " != null");
        };
    }

    private String text(int depth) {
        if (depth > 0 && chance(15)) {
            return "(" + condition(depth - 1) + " ? " + text(depth - 1) + " : " + text(depth - 1) + ")";
        }
        return switch (random.nextInt(8)) {
            case 0 -> "line.tags[" + quote(pick(TAG_KEYS)) + "]";
            case 1 -> quote(pick(TEXT_LITERALS));
            default -> "line." + pick(STRING_FIELDS);
        };
    }

    private String integer(int depth) {
        if (depth > 0 && chance(35)) {
            return switch (random.nextInt(6)) {
                case 0 -> "(" + integer(depth - 1) + " + " + integer(depth - 1) + ")";
                case 1 -> "(" + integer(depth - 1) + " - " + integer(depth - 1) + ")";
                case 2 -> "(" + integer(depth - 1) + " * " + integer(depth - 1) + ")";
                case 3 -> "(" + integer(depth - 1) + " % " + (chance(80) ? 1 + random.nextInt(7)
                        : -(1 + random.nextInt(7))) + ")";
                case 4 -> "-" + integer(depth - 1);
                default -> "(" + condition(depth - 1) + " ? " + integer(depth - 1) + " : " + integer(depth - 1) + ")";
            };
        }
        return switch (random.nextInt(5)) {
            case 0 -> intLiteral();
            case 1 -> "size(" + text(0) + ")";
            case 2 -> "size(line.tags)";
            default -> "line." + pick(TIMESTAMP_FIELDS) + "." + pick(PARTS) + "()";
        };
    }

    private String decimal(int depth) {
        if (depth > 0 && chance(35)) {
            return switch (random.nextInt(5)) {
                case 0 -> "(" + decimal(depth - 1) + " + " + decimal(depth - 1) + ")";
                case 1 -> "(" + decimal(depth - 1) + " - " + decimal(depth - 1) + ")";
                case 2 -> "(" + decimal(depth - 1) + " * " + multiplier() + ")";
                case 3 -> "-" + decimal(depth - 1);
                default -> "(" + condition(depth - 1) + " ? " + decimal(depth - 1) + " : " + decimal(depth - 1) + ")";
            };
        }
        return chance(20) ? decimalLiteral() : "line." + pick(DECIMAL_FIELDS);
    }

    private String intLiteral() {
        return switch (random.nextInt(4)) {
            case 0 -> String.valueOf(1999 + random.nextInt(33));
            case 1 -> String.valueOf(random.nextInt(60) - 5);
            case 2 -> String.valueOf(random.nextInt(7));
            default -> String.valueOf(random.nextInt(2001) - 1000);
        };
    }

    /** Up to 100,000 with up to 12 places, written as CEL double literals (always with a point or exponent). */
    private String decimalLiteral() {
        if (chance(20)) {
            return pick(pool("0.0", "0.1", "1.0", "-1.0", "2.5", "10.0", "0.000000000001", "1e2", "2.5e-3"));
        }
        int scale = 1 + random.nextInt(12);
        long unscaled = (long) ((random.nextDouble() * 2 - 1) * Math.pow(10, 5 + scale));
        return BigDecimal.valueOf(unscaled, scale).toPlainString();
    }

    /** At most 10 in size with up to 3 places: products stay within DECIMAL(38, 30). */
    private String multiplier() {
        BigDecimal m = BigDecimal.valueOf(random.nextInt(20001) - 10000, 3).setScale(random.nextInt(4),
                RoundingMode.DOWN);
        String text = m.toPlainString();
        return text.contains(".") ? text : text + ".0";
    }

    private String list(Supplier<String> element) {
        int n = random.nextInt(5);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(element.get());
        }
        return "[" + String.join(", ", items) + "]";
    }

    /** A CEL string literal: double-quoted with escapes, or single-quoted raw-free. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    @SafeVarargs
    private static <T> List<T> pool(T... values) {
        return java.util.Arrays.asList(values);
    }
}
