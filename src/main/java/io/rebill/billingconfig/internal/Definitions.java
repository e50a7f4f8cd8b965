package io.rebill.billingconfig.internal;

import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Workflow;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's sealed {@link Rule} and {@link Workflow} as the fields a change of the store takes (their msp.yaml
 * mappings with the id called {@code key}): a rule goes through msp.yaml's own writer, so a rule given as a type is
 * stored exactly as the same rule written in a file or a form, and is checked by the same parser.
 */
public final class Definitions {
    private Definitions() {
    }

    public static Map<String, Object> fields(Rule rule) {
        MspConfig alone = new MspConfig("msp", "USD", List.of(), List.of(rule), List.of(), List.of());
        ObjectNode definition = Canonical.rules(alone).get(rule.id());
        return Json.withDecimalStrings(Views.withKey(definition));
    }

    public static Map<String, Object> fields(Workflow workflow) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", workflow.id());
        if (workflow.title() != null) {
            fields.put("title", workflow.title());
        }
        fields.put("basis", MspYamlImport.basis(workflow.basis()));
        fields.put("rules", workflow.ruleIds());
        return fields;
    }
}
