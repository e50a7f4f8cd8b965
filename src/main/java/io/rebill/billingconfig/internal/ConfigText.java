package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingConfigProblem;
import io.rebill.billingconfig.InvalidBillingConfigException;
import io.rebill.rules.MspConfig;
import io.rebill.rules.cel.CelSql;
import io.rebill.rules.config.ConfigProblem;
import io.rebill.rules.config.ExpressionChecker;
import io.rebill.rules.config.InvalidMspConfigException;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Account;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot written as msp.yaml text (JSON, which is YAML), one field per line, so that each problem the parser
 * reports at a line can be traced back to the rule, workflow, customer or assignment and the field it is about.
 * This is how a rule saved in the portal obeys exactly what a rule in msp.yaml obeys: it goes through the same parser.
 */
final class ConfigText {
    /** msp.yaml's CEL check, as `rebill bill` does it. */
    static final ExpressionChecker CEL = expression -> {
        try {
            CelSql.compile(expression);
        } catch (RebillException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    };

    private static final Pattern KEY_IN_MESSAGE = Pattern.compile("key '([a-z_]+)'");
    private static final Pattern LINE_IN_MESSAGE = Pattern.compile("line [0-9]+");

    /** Where a line of the text came from: an item and, for a field's line, the field. */
    private record Spot(String item, Optional<String> key, Optional<String> field) {
    }

    private final StringBuilder text = new StringBuilder();
    private final List<Spot> spots = new ArrayList<>();

    private ConfigText() {
    }

    /**
     * The snapshot as text. A customer that claims nothing in the snapshot's period (no linked account billed to it,
     * no match) cannot be billed and is left out, with its assignments: msp.yaml has no way to say it.
     */
    static ConfigText of(Snapshot s) {
        ConfigText t = new ConfigText();
        Spot top = new Spot("msp", Optional.empty(), Optional.empty());
        t.line("{", top);
        ObjectNode msp = Json.NODES.objectNode().put("name", s.msp().name()).put("currency", s.msp().currency());
        t.line("\"msp\": " + Json.flow(msp) + ",", top);
        Set<UUID> billed = new HashSet<>();
        List<ObjectNode> customers = new ArrayList<>();
        for (Account c : s.customers()) {
            List<String> accounts = s.accountsOf(c.id());
            if (accounts.isEmpty() && c.matchExpression().isEmpty()) {
                continue;
            }
            billed.add(c.id());
            ObjectNode node = Json.NODES.objectNode().put("id", c.key()).put("name", c.name())
                    .put("contact_email", c.contactEmail());
            if (!accounts.isEmpty()) {
                accounts.forEach(node.putArray("accounts")::add);
            }
            c.matchExpression().ifPresent(m -> node.put("match", m));
            customers.add(node);
        }
        t.section("customers", "customer", customers, true);
        List<ObjectNode> rules = new ArrayList<>();
        for (Snapshot.RuleRow r : s.rules()) {
            ObjectNode node = Json.NODES.objectNode().put("id", r.key());
            r.definition().properties().stream().filter(e -> !e.getKey().equals("id"))
                    .forEach(e -> node.set(e.getKey(), e.getValue()));
            rules.add(node);
        }
        t.section("rules", "rule", rules, true);
        List<ObjectNode> workflows = new ArrayList<>();
        for (Snapshot.WorkflowRow w : s.workflows()) {
            if (w.pending().isPresent()) {
                workflows.add(w.pending().get());
                continue;
            }
            ObjectNode node = Json.NODES.objectNode().put("id", w.key()).put("title", w.title()).put("basis", w.basis());
            w.ruleKeys().forEach(node.putArray("rules")::add);
            workflows.add(node);
        }
        t.section("workflows", "workflow", workflows, true);
        List<ObjectNode> assignments = new ArrayList<>();
        Map<UUID, String> keys = new java.util.HashMap<>();
        s.customers().forEach(c -> keys.put(c.id(), c.key()));
        for (Snapshot.AssignmentRow a : s.assignments()) {
            if (billed.contains(a.customerAccountId())) {
                assignments.add(Json.NODES.objectNode().put("customer", keys.get(a.customerAccountId()))
                        .put("workflow", a.workflowKey()).put("from", a.from().toString()));
            }
        }
        t.section("assignments", "assignment", assignments, false);
        t.line("}", top);
        return t;
    }

    private void section(String name, String item, List<ObjectNode> items, boolean more) {
        Spot top = new Spot("msp", Optional.empty(), Optional.empty());
        line("\"" + name + "\": [", top);
        for (int i = 0; i < items.size(); i++) {
            ObjectNode node = items.get(i);
            Optional<String> key = Optional.ofNullable(node.get("id")).map(JsonNode::asString)
                    .or(() -> Optional.ofNullable(node.get("customer"))
                            .map(c -> c.asString() + " from " + node.path("from").asString()));
            line("{", new Spot(item, key, Optional.empty()));
            List<Map.Entry<String, JsonNode>> fields = List.copyOf(node.properties());
            for (int f = 0; f < fields.size(); f++) {
                Map.Entry<String, JsonNode> field = fields.get(f);
                line(Json.string(field.getKey()) + ": " + Json.flow(field.getValue())
                        + (f < fields.size() - 1 ? "," : ""), new Spot(item, key, Optional.of(field.getKey())));
            }
            line(i < items.size() - 1 ? "}," : "}", new Spot(item, key, Optional.empty()));
        }
        line(more ? "]," : "]", top);
    }

    private void line(String content, Spot spot) {
        text.append(content).append('\n');
        spots.add(spot);
    }

    String text() {
        return text.toString();
    }

    /** Parses the text as msp.yaml; every problem is traced back to its item and field. */
    MspConfig parse() {
        try {
            return MspConfigFile.parse("msp.yaml", text(), CEL);
        } catch (InvalidMspConfigException e) {
            throw new InvalidBillingConfigException(e.problems().stream().map(this::problem).toList());
        }
    }

    /** The problems of the text, empty when it parses. */
    List<BillingConfigProblem> problems() {
        try {
            parse();
            return List.of();
        } catch (InvalidBillingConfigException e) {
            return e.problems();
        }
    }

    private BillingConfigProblem problem(ConfigProblem p) {
        Spot spot = p.line() <= spots.size() ? spots.get(p.line() - 1)
                : new Spot("msp", Optional.empty(), Optional.empty());
        Optional<String> field = spot.field().or(() -> {
            Matcher m = KEY_IN_MESSAGE.matcher(p.message());
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        });
        String message = p.message();
        if (field.filter("id"::equals).isPresent()) {
            // the API calls an item's msp.yaml id its key (the id is the record's UUID)
            field = Optional.of("key");
            message = message.replace("'id'", "'key'");
        }
        if (spot.item().equals("rule") || spot.item().equals("workflow")) {
            message = message.replace("one of: id, ", "one of: key, ");
        }
        // lines of the assembled text mean nothing to the caller
        message = LINE_IN_MESSAGE.matcher(message).replaceAll("an earlier line").replace(" (an earlier line)", "");
        return new BillingConfigProblem(spot.item(), spot.key(), field, Optional.empty(), Optional.empty(), message);
    }

    /** Problems told apart from their position, to tell a new problem from one that was there before a change. */
    static String signature(BillingConfigProblem p) {
        return p.item() + "|" + p.key().orElse("") + "|" + p.field().orElse("") + "|" + p.message();
    }
}
