package io.rebill.rules.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads single YAML nodes by their source text; every conversion that fails returns empty. */
final class Nodes {
    /** Plain decimal notation only: no exponent, no '.5', no '1_000', so the text is the exact value. */
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+(\\.[0-9]+)?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private Nodes() {
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /** Non-blank text that YAML reads as a string (so {@code yes}, {@code 12} or {@code 2024-06-01} are not). */
    static Optional<String> text(Node node) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR) && !s.getValue().isBlank()) {
            return Optional.of(s.getValue());
        }
        return Optional.empty();
    }

    /** A name as written, whatever YAML would make of it ({@code 2024} is the name "2024"): ids and references. */
    static Optional<String> word(Node node) {
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) && !s.getValue().isBlank()) {
            return Optional.of(s.getValue());
        }
        return Optional.empty();
    }

    /**
     * An account id as written: text, or digits without quotes. The digits are taken from the source text, so a
     * leading zero survives even though YAML itself would read {@code 012345678901} as a number.
     */
    static Optional<String> accountId(Node node) {
        if (node instanceof ScalarNode s && s.isPlain() && DIGITS.matcher(s.getValue()).matches()) {
            return Optional.of(s.getValue());
        }
        return text(node);
    }

    /** A number written without quotes, taken exactly from its text: {@code 3.1} is 3.1, never a binary fraction. */
    static Optional<BigDecimal> decimal(Node node) {
        if (node instanceof ScalarNode s && s.isPlain() && DECIMAL.matcher(s.getValue()).matches()) {
            return Optional.of(new BigDecimal(s.getValue()));
        }
        return Optional.empty();
    }

    /** How a value looks to the person who wrote it, for "found ..." in a message. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        String value = shorten(scalar.getValue());
        if (tag.equals(Tag.NULL)) {
            return "nothing";
        }
        if (tag.equals(Tag.STR)) {
            return value.isBlank() ? "empty text" : "the text '" + value + "'";
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return "the number " + value;
        }
        if (tag.equals(Tag.BOOL)) {
            return "the yes/no value " + value;
        }
        if (tag.equals(Tag.TIMESTAMP)) {
            return "the date " + value;
        }
        return "a value tagged " + tag.getValue();
    }

    private static String shorten(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }

    /** A known word one or two typos away, for "did you mean ...?". */
    static Optional<String> closest(String word, Collection<String> known) {
        return known.stream()
                .filter(k -> distance(word.toLowerCase(), k) <= 2)
                .min(Comparator.comparingInt(k -> distance(word.toLowerCase(), k)));
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
