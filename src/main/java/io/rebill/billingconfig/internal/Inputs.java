package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingConfigProblem;
import io.rebill.billingconfig.InvalidBillingConfigException;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Account;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A submitted rule or workflow as msp.yaml's mapping, and the lookups every change starts with, each failing with the field or id named. */
final class Inputs {
    private Inputs() {
    }

    /**
     * The submitted rule as msp.yaml's mapping: {@code key} becomes {@code id} (first), decimal strings numbers.
     * A missing key keeps {@code currentKey} (PUT of an existing rule) or is an error naming the field.
     */
    static ObjectNode ruleInput(ObjectNode fields, Optional<String> currentKey) {
        return keyed(Json.withNumbers(fields), "rule", currentKey);
    }

    static ObjectNode workflowInput(ObjectNode fields, Optional<String> currentKey) {
        return keyed(fields, "workflow", currentKey);
    }

    static ObjectNode keyed(ObjectNode fields, String item, Optional<String> currentKey) {
        if (fields.has("id")) {
            throw problem(item, fields.path("id").asString(), "id", item + ": 'id' is the record's id; give the "
                    + item + "'s msp.yaml id as 'key'");
        }
        JsonNode key = fields.get("key");
        String value;
        if (key == null || key.isNull()) {
            value = currentKey.orElseThrow(() -> problem(item, "", "key", item + ": missing required field 'key';"
                    + " expected 1-64 characters of a-z, 0-9, '_' or '-', e.g. uplift-3"));
        } else if (!key.isString() || key.asString().isBlank()) {
            throw problem(item, key.toString(), "key", item + ": 'key' must be text of 1-64 characters of a-z, 0-9,"
                    + " '_' or '-', e.g. uplift-3");
        } else {
            value = key.asString().strip();
        }
        ObjectNode result = Json.NODES.objectNode().put("id", value);
        fields.properties().stream().filter(e -> !e.getKey().equals("key"))
                .forEach(e -> result.set(e.getKey(), e.getValue()));
        return result;
    }

    static String requireText(String value, String item, String key, String field) {
        if (value == null || value.isBlank()) {
            throw problem(item, key, field, item + " '" + key + "': '" + field + "' is required");
        }
        return value.strip();
    }

    static InvalidBillingConfigException problem(String item, String key, String field, String message) {
        return new InvalidBillingConfigException(List.of(new BillingConfigProblem(item,
                key.isEmpty() ? Optional.empty() : Optional.of(key), Optional.of(field), Optional.empty(),
                Optional.empty(), message)));
    }

    static Account customer(Snapshot s, UUID account) {
        return s.customer(account).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no account " + account));
    }

    /** A customer named by key or id in a preview. */
    static Account customerRef(Snapshot s, String ref) {
        String r = ref == null ? "" : ref.strip();
        return s.customers().stream().filter(c -> c.key().equals(r) || c.id().toString().equals(r)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no managed account '" + ref
                        + "' (give its key or id)"));
    }

    static Snapshot.RuleRow findRule(List<Snapshot.RuleRow> rules, UUID id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no billing rule " + id));
    }

    static Snapshot.WorkflowRow findWorkflow(List<Snapshot.WorkflowRow> workflows, UUID id) {
        return workflows.stream().filter(w -> w.id().equals(id)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no workflow " + id));
    }
}
