package io.rebill.rules.config;

import io.rebill.shared.time.BillingPeriod;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One YAML map of msp.yaml, read key by key. Every read reports what is wrong to {@link Problems}, prefixed with
 * the context ("rule 'uplift-3'"), and returns empty, so that reading goes on and finds the next problem too.
 */
final class YamlMap {
    private static final Pattern PERIOD = Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2])");

    private final MappingNode node;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private String context;

    YamlMap(MappingNode node, String context, Problems problems) {
        this.node = node;
        this.context = context;
        this.problems = problems;
        for (NodeTuple entry : node.getValue()) {
            Node key = entry.getKeyNode();
            if (key.getTag().equals(Tag.MERGE)) {
                problems.add(key, context + ": YAML merge keys (<<) are not supported; write the keys out");
            } else if (!(key instanceof ScalarNode scalar)) {
                problems.add(key, context + ": a key must be a word such as 'id'; found " + Nodes.describe(key));
            } else if (!scalar.getTag().equals(Tag.STR)) {
                problems.add(key, context + ": a key must be text; found " + Nodes.describe(key)
                        + " (write it in quotes: '" + scalar.getValue() + "')");
            } else if (entries.containsKey(scalar.getValue())) {
                problems.add(key, context + ": key '" + scalar.getValue() + "' appears twice (first on line "
                        + Nodes.line(entries.get(scalar.getValue()).getKeyNode()) + "); give each key once");
            } else {
                entries.put(scalar.getValue(), entry);
            }
        }
    }

    String context() {
        return context;
    }

    /** Names the map better once its id is known: "rule #3" becomes "rule 'uplift-3'". */
    void context(String value) {
        this.context = value;
    }

    Mark start() {
        return node.getStartMark();
    }

    MappingNode node() {
        return node;
    }

    void problem(Node at, String message) {
        problems.add(at, context + ": " + message);
    }

    /**
     * Reports every key not in {@code allowed}; {@code elsewhere} may explain a key that belongs to another variant
     * (a rule key of another kind).
     */
    void rejectUnknownKeys(List<String> allowed, Function<String, Optional<String>> elsewhere) {
        for (NodeTuple entry : entries.values()) {
            String key = ((ScalarNode) entry.getKeyNode()).getValue();
            if (allowed.contains(key)) {
                continue;
            }
            String expected = "; expected one of: " + String.join(", ", allowed);
            Optional<String> why = elsewhere.apply(key);
            if (why.isPresent()) {
                problem(entry.getKeyNode(), "key '" + key + "' " + why.get() + expected);
            } else {
                String guess = Nodes.closest(key, allowed).map(k -> " (did you mean '" + k + "'?)").orElse("");
                problem(entry.getKeyNode(), "unknown key '" + key + "'" + guess + expected);
            }
        }
    }

    void rejectUnknownKeys(List<String> allowed) {
        rejectUnknownKeys(allowed, key -> Optional.empty());
    }

    /** Key text to value node, in file order (for maps whose keys are data, such as a price list). */
    Map<String, Node> entries() {
        Map<String, Node> result = new LinkedHashMap<>();
        entries.forEach((key, entry) -> result.put(key, entry.getValueNode()));
        return result;
    }

    /** The key's node, when the key is there. */
    Optional<Node> keyNode(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getKeyNode);
    }

    /** The value of a key that is there with a value; a key with nothing after it counts as left out. */
    Optional<Node> value(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode).filter(v -> !Nodes.isNull(v));
    }

    boolean has(String key) {
        return value(key).isPresent();
    }

    /** The value of a required key, or a problem saying what belongs there. */
    Optional<Node> required(String key, String expected) {
        Optional<Node> value = value(key);
        if (value.isEmpty()) {
            Optional<Node> keyNode = keyNode(key);
            if (keyNode.isPresent()) {
                problem(keyNode.get(), "'" + key + "' has no value; expected " + expected);
            } else {
                problems.add(start(), context + ": missing required key '" + key + "'; expected " + key + ": "
                        + expected);
            }
        }
        return value;
    }

    private Optional<Node> get(String key, boolean required, String expected) {
        return required ? required(key, expected) : value(key);
    }

    private <T> Optional<T> read(String key, boolean required, String expected, Function<Node, Optional<T>> convert) {
        return get(key, required, expected).flatMap(value -> {
            Optional<T> result = convert.apply(value);
            if (result.isEmpty()) {
                wrongValue(key, value, expected);
            }
            return result;
        });
    }

    void wrongValue(String key, Node value, String expected) {
        problem(value, "'" + key + "' must be " + expected + "; found " + Nodes.describe(value));
    }

    Optional<String> text(String key, boolean required, String expected) {
        return read(key, required, expected, Nodes::text);
    }

    /**
     * A number >= 0, written without quotes (every number in msp.yaml is an amount or a percentage), and small enough
     * to be billed: the bill computes in DECIMAL(38, 12..24), so a percent of 1e60 (which the API's JSON allows and
     * writes out as 61 digits) would fail the bill run with an overflow instead of failing here with its line.
     */
    Optional<BigDecimal> number(String key, boolean required, String expected) {
        return read(key, required, expected, value -> Nodes.decimal(value).filter(n -> n.signum() >= 0))
                .filter(n -> billable(key, n));
    }

    /** The largest percent (a 10,000-fold uplift) and the largest amount (below a trillion) a bill can apply. */
    static final BigDecimal MAX_PERCENT = new BigDecimal("1000000");
    static final BigDecimal MAX_AMOUNT = new BigDecimal("999999999999.99");

    private boolean billable(String key, BigDecimal n) {
        boolean percent = key.startsWith("percent");
        BigDecimal max = percent ? MAX_PERCENT : MAX_AMOUNT;
        if (n.compareTo(max) <= 0) {
            return true;
        }
        problem(value(key).orElseThrow(), "'" + key + "' is " + (n.precision() - n.scale()) + " digits long; "
                + (percent ? "a percent" : "an amount") + " can be at most " + max.toPlainString()
                + " to be billed");
        return false;
    }

    Optional<String> choice(String key, boolean required, List<String> choices) {
        String expected = "one of " + String.join(", ", choices);
        return get(key, required, expected).flatMap(value -> {
            Optional<String> chosen = Nodes.text(value).filter(choices::contains);
            if (chosen.isEmpty()) {
                String guess = Nodes.text(value).flatMap(t -> Nodes.closest(t, choices))
                        .map(c -> " (did you mean '" + c + "'?)").orElse("");
                problem(value, "'" + key + "' must be " + expected + "; found " + Nodes.describe(value) + guess);
            }
            return chosen;
        });
    }

    Optional<BillingPeriod> period(String key, boolean required) {
        // the source text decides: YAML would read 2024-06-01 as a date, but a billing period is a month
        return read(key, required, "a billing period of the form YYYY-MM, e.g. 2025-06",
                value -> value instanceof ScalarNode s && PERIOD.matcher(s.getValue()).matches()
                        ? Optional.of(new BillingPeriod(YearMonth.parse(s.getValue())))
                        : Optional.empty());
    }

    /** A nested map; {@code childContext} names it in its own messages. */
    Optional<YamlMap> map(String key, boolean required, String expected, String childContext) {
        return read(key, required, expected, value -> value instanceof MappingNode m
                ? Optional.of(new YamlMap(m, childContext, problems))
                : Optional.empty());
    }

    Optional<List<Node>> list(String key, boolean required, String expected) {
        return read(key, required, expected,
                value -> value instanceof SequenceNode s ? Optional.of(s.getValue()) : Optional.empty());
    }

    /**
     * A list of single values (an optional key: left out it is empty). Items that do not convert are reported one
     * by one and left out.
     */
    List<String> values(String key, String expected, String itemExpected, Function<Node, Optional<String>> convert) {
        List<String> result = new ArrayList<>();
        for (Node item : list(key, false, expected).orElse(List.of())) {
            Optional<String> value = convert.apply(item);
            if (value.isPresent()) {
                result.add(value.get());
            } else {
                problem(item, "each item of '" + key + "' must be " + itemExpected + "; found " + Nodes.describe(item));
            }
        }
        return result;
    }
}
