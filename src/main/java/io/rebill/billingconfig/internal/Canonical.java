package io.rebill.billingconfig.internal;

import io.rebill.rules.MspConfig;
import io.rebill.rules.config.MspConfigFile;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rules as msp.yaml's writer puts them (keys in the documented order, defaults left out, decimals as written): what
 * the store keeps as a rule's definition, so that a rule saved in the portal and the same rule imported from a file
 * are stored alike and export unchanged.
 */
final class Canonical {
    private Canonical() {
    }

    /** Each rule of a parsed configuration, by key, as its msp.yaml mapping (with {@code id}). */
    static Map<String, ObjectNode> rules(MspConfig config) {
        Node root = new Yaml(new LoaderOptions()).compose(new StringReader(MspConfigFile.toYaml(config)));
        Map<String, ObjectNode> result = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) root).getValue()) {
            if (((ScalarNode) t.getKeyNode()).getValue().equals("rules") && t.getValueNode() instanceof SequenceNode s) {
                for (Node item : s.getValue()) {
                    ObjectNode rule = (ObjectNode) Json.fromYaml(item);
                    result.put(rule.path("id").asString(), rule);
                }
            }
        }
        return result;
    }

    static String kind(ObjectNode rule) {
        return rule.path("kind").asString();
    }

    static String title(ObjectNode rule) {
        JsonNode title = rule.get("title");
        return title == null ? "" : title.asString();
    }
}
