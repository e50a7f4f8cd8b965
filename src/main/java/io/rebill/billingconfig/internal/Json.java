package io.rebill.billingconfig.internal;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * JSON as the store keeps it: decimals exact (never a binary fraction), duplicate keys refused, and written in a
 * form that is also valid YAML for msp.yaml's parser.
 */
final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Rule keys whose value is a number in msp.yaml; the API also takes them as decimal strings ("250.00"). */
    private static final Set<String> NUMBER_KEYS = Set.of("percentage", "percent", "amount", "percent_of_subtotal",
            "minimum");

    private Json() {
    }

    static ObjectNode object(String text, String what) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text == null ? "" : text);
        } catch (JacksonException e) {
            throw new RebillException(ErrorCode.BAD_REQUEST, what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new RebillException(ErrorCode.BAD_REQUEST, what + " must be a JSON object");
        }
        return (ObjectNode) node;
    }

    static ObjectNode object(Map<String, ?> fields) {
        return fields == null ? NODES.objectNode() : (ObjectNode) MAPPER.valueToTree(fields);
    }

    /** The node as plain Java values (maps keep their order; numbers become BigDecimal). */
    @SuppressWarnings("unchecked")
    /** RFC 7396 merge, one level deep: a field given replaces the target's, a field given as null removes it. */
    static void mergePatch(ObjectNode target, Map<String, ?> patch) {
        object(patch).properties().forEach(e -> {
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        });
    }

    static Map<String, Object> toMap(ObjectNode node) {
        return (Map<String, Object>) plain(node);
    }

    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            return node.valueStream().map(Json::plain).toList();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.isNull() ? null : node.asString();
    }

    /** A rule as the API shows it: numbers as exact decimal strings. */
    static Map<String, Object> withDecimalStrings(ObjectNode rule) {
        ObjectNode copy = rule.deepCopy();
        for (String key : NUMBER_KEYS) {
            JsonNode v = copy.get(key);
            if (v != null && v.isNumber()) {
                copy.put(key, v.decimalValue().toPlainString());
            }
        }
        JsonNode prices = copy.get("price_list");
        if (prices instanceof ObjectNode p) {
            for (String sku : List.copyOf(p.propertyNames())) {
                if (p.get(sku).isNumber()) {
                    p.put(sku, p.get(sku).decimalValue().toPlainString());
                }
            }
        }
        return toMap(copy);
    }

    /** The reverse of {@link #withDecimalStrings}: "250.00" under a number key becomes the number 250.00. */
    static ObjectNode withNumbers(ObjectNode rule) {
        ObjectNode copy = rule.deepCopy();
        for (String key : NUMBER_KEYS) {
            decimal(copy.get(key)).ifPresent(d -> copy.put(key, d));
        }
        if (copy.get("price_list") instanceof ObjectNode p) {
            for (String sku : List.copyOf(p.propertyNames())) {
                decimal(p.get(sku)).ifPresent(d -> p.put(sku, d));
            }
        }
        return copy;
    }

    private static java.util.Optional<BigDecimal> decimal(JsonNode node) {
        if (node != null && node.isString() && node.asString().strip().matches("[-+]?[0-9]+(\\.[0-9]+)?")) {
            return java.util.Optional.of(new BigDecimal(node.asString().strip()));
        }
        return java.util.Optional.empty();
    }

    /**
     * One value on one line, as JSON that SnakeYAML reads back the same: ", " and ": " between items (YAML wants the
     * space), decimals as plain digits.
     */
    static String flow(JsonNode node) {
        if (node.isObject()) {
            return node.properties().stream().map(e -> string(e.getKey()) + ": " + flow(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (node.isArray()) {
            return node.valueStream().map(Json::flow).collect(Collectors.joining(", ", "[", "]"));
        }
        if (node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        if (node.isBoolean() || node.isNull()) {
            return node.toString();
        }
        return string(node.asString());
    }

    static String string(String text) {
        return MAPPER.writeValueAsString(text);
    }

    /** A YAML node tree (as msp.yaml's writer emits it) as JSON; numbers keep their digits exactly. */
    static JsonNode fromYaml(Node node) {
        if (node instanceof MappingNode map) {
            ObjectNode object = NODES.objectNode();
            for (NodeTuple t : map.getValue()) {
                object.set(((ScalarNode) t.getKeyNode()).getValue(), fromYaml(t.getValueNode()));
            }
            return object;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode array = NODES.arrayNode();
            seq.getValue().forEach(item -> array.add(fromYaml(item)));
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return NODES.numberNode(new BigDecimal(scalar.getValue()));
        }
        if (tag.equals(Tag.BOOL)) {
            return NODES.booleanNode(Boolean.parseBoolean(scalar.getValue()));
        }
        if (tag.equals(Tag.NULL)) {
            return NODES.nullNode();
        }
        return NODES.stringNode(scalar.getValue());
    }
}
