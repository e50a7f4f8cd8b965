package io.rebill.rules.config;

import io.rebill.rules.Assignment;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.shared.money.ExchangeRates;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes an {@link MspConfig} as msp.yaml, in the shape {@link MspConfigParser} reads: keys in the documented order,
 * decimals exactly as stored, text quoted wherever YAML would otherwise read it as something else (an account id
 * of digits, {@code yes}). Defaults are left out, so an exported file reads like a hand-written one.
 */
final class MspConfigWriter {
    private static final Resolver RESOLVER = new Resolver();

    private MspConfigWriter() {
    }

    static String toYaml(MspConfig config) {
        Entries root = new Entries()
                .put("msp", new Entries().text("name", config.mspName()).text("currency", config.currency()).node())
                .put("customers", block(config.customers().stream().map(MspConfigWriter::customer).toList()))
                .put("rules", block(config.rules().stream().map(MspConfigWriter::rule).toList()))
                .put("workflows", block(config.workflows().stream().map(MspConfigWriter::workflow).toList()))
                .put("assignments", block(config.assignments().stream().map(MspConfigWriter::assignment).toList()));
        // written only when there are rates: a configuration billing one currency reads as it always did
        if (!config.exchangeRates().rates().isEmpty()) {
            root.put("exchange_rates", block(config.exchangeRates().rates().stream()
                    .sorted(java.util.Comparator.comparing(ExchangeRates.Rate::from)
                            .thenComparing(ExchangeRates.Rate::period))
                    .map(MspConfigWriter::exchangeRate).toList()));
        }
        StringWriter out = new StringWriter();
        out.write("# Billing configuration of " + config.mspName().replace('\n', ' ')
                + " (msp.yaml; every key is described in docs/msp-config.md)\n");
        new Yaml(options()).serialize(root.node(), out);
        return out.toString();
    }

    private static DumperOptions options() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        // a CEL expression stays on one line, as its author wrote it
        options.setSplitLines(false);
        return options;
    }

    private static Node customer(Customer customer) {
        return new Entries()
                .text("id", customer.id())
                .text("name", customer.name())
                .text("contact_email", customer.contactEmail())
                .list("accounts", customer.accounts())
                .text("match", customer.match().orElse(null))
                .node();
    }

    private static Node rule(Rule rule) {
        Entries entries = new Entries().text("id", rule.id()).text("title", rule.title()).text("kind", kind(rule));
        boolean leavesOutTax = rule instanceof Rule.Uplift || rule instanceof Rule.Discount;
        scope(entries, rule.scope(), leavesOutTax);
        switch (rule) {
            case Rule.Exclusion exclusion -> {
                // no keys of its own
            }
            case Rule.Adjustment adjustment -> entries.number("percentage", adjustment.percentage());
            case Rule.Uplift uplift -> entries.number("percent", uplift.percent());
            case Rule.Discount discount -> entries.number("percent", discount.percent());
            case Rule.ReplaceRiDiscount replace -> entries.list("purchased_by", replace.purchasedBy());
            case Rule.ReplaceSpDiscount replace -> entries.list("purchased_by", replace.purchasedBy());
            case Rule.RerateToList rerate -> {
                // no keys of its own
            }
            case Rule.RemoveFreeTier free -> {
                if (!free.priceList().isEmpty()) {
                    Entries prices = new Entries();
                    new TreeMap<>(free.priceList()).forEach(prices::number);
                    entries.put("price_list", prices.node());
                }
            }
            case Rule.Charge charge -> chargeKeys(entries, charge.amount(), charge.frequency(), charge.label());
            case Rule.Credit credit -> chargeKeys(entries, credit.amount(), credit.frequency(), credit.label());
        }
        return entries.node();
    }

    private static String kind(Rule rule) {
        RuleKind kind = switch (rule) {
            case Rule.Exclusion r -> RuleKind.EXCLUSION;
            case Rule.Adjustment r -> RuleKind.ADJUSTMENT;
            case Rule.Uplift r -> RuleKind.UPLIFT;
            case Rule.Discount r -> RuleKind.DISCOUNT;
            case Rule.ReplaceRiDiscount r -> RuleKind.REPLACE_RI_DISCOUNT;
            case Rule.ReplaceSpDiscount r -> RuleKind.REPLACE_SP_DISCOUNT;
            case Rule.RerateToList r -> RuleKind.RERATE_TO_LIST;
            case Rule.RemoveFreeTier r -> RuleKind.REMOVE_FREE_TIER;
            case Rule.Charge r -> RuleKind.CHARGE;
            case Rule.Credit r -> RuleKind.CREDIT;
        };
        return kind.yamlName;
    }

    private static void scope(Entries rule, Scope scope, boolean leavesOutTax) {
        // the parser gives an uplift or discount without charge_categories "all but Tax"; writing it back out
        // would only add noise
        List<String> chargeCategories = leavesOutTax && scope.chargeCategories().equals(Keys.ALL_BUT_TAX)
                ? List.of() : scope.chargeCategories();
        Entries lists = new Entries()
                .list("services", scope.services())
                .list("categories", scope.categories())
                .list("charge_types", scope.chargeTypes())
                .list("charge_categories", chargeCategories)
                .list("sub_accounts", scope.subAccounts());
        if (!lists.isEmpty()) {
            rule.put("scope", lists.node());
        }
        rule.text("when", scope.when().orElse(null))
                .text("start", scope.start().map(Object::toString).orElse(null))
                .text("end", scope.end().map(Object::toString).orElse(null));
    }

    private static void chargeKeys(Entries entries, Rule.Amount amount, Rule.Frequency frequency,
                                   Rule.InvoiceLabel label) {
        switch (amount) {
            case Rule.Amount.Fixed fixed -> entries.number("amount", fixed.value());
            case Rule.Amount.PercentOfSubtotal percent -> {
                entries.number("percent_of_subtotal", percent.percent());
                percent.minimum().ifPresent(minimum -> entries.number("minimum", minimum));
            }
        }
        entries.text("frequency", switch (frequency) {
            case MONTHLY -> "monthly";
            case ONE_TIME -> "one_time";
        });
        entries.put("invoice", new Entries()
                .text("service", label.service())
                .text("category", label.category().orElse(null))
                .text("sub_category", label.subCategory().orElse(null))
                .node());
    }

    private static Node workflow(Workflow workflow) {
        Entries entries = new Entries().text("id", workflow.id()).text("title", workflow.title());
        entries.text("basis", switch (workflow.basis()) {
            case EFFECTIVE -> "effective";
            case BILLED -> "billed";
            case LIST -> "list";
        });
        // an empty list stays: a workflow without rules bills at cost, and rules is a required key
        return entries.put("rules", flow(workflow.ruleIds())).node();
    }

    private static Node assignment(Assignment assignment) {
        return new Entries()
                .text("customer", assignment.customerId())
                .text("workflow", assignment.workflowId())
                .text("from", assignment.from().toString())
                .node();
    }

    private static Node exchangeRate(ExchangeRates.Rate rate) {
        return new Entries()
                .text("from", rate.from())
                .text("period", rate.period().toString())
                .number("rate", rate.rate())
                .node();
    }

    private static ScalarNode text(String value) {
        // tagged as text: the emitter quotes it whenever YAML would read it as a number, yes/no or null
        return new ScalarNode(Tag.STR, value, null, null, DumperOptions.ScalarStyle.PLAIN);
    }

    private static ScalarNode number(BigDecimal value) {
        String text = value.toPlainString();
        return new ScalarNode(RESOLVER.resolve(NodeId.scalar, text, true), text, null, null,
                DumperOptions.ScalarStyle.PLAIN);
    }

    private static SequenceNode flow(List<String> values) {
        return new SequenceNode(Tag.SEQ, new ArrayList<>(values.stream().map(MspConfigWriter::text).toList()),
                DumperOptions.FlowStyle.FLOW);
    }

    private static SequenceNode block(List<Node> items) {
        return new SequenceNode(Tag.SEQ, new ArrayList<>(items),
                items.isEmpty() ? DumperOptions.FlowStyle.FLOW : DumperOptions.FlowStyle.BLOCK);
    }

    /** The entries of one map, in writing order; absent values and empty lists are left out. */
    private static final class Entries {
        private final List<NodeTuple> tuples = new ArrayList<>();

        Entries put(String key, Node value) {
            tuples.add(new NodeTuple(MspConfigWriter.text(key), value));
            return this;
        }

        Entries text(String key, String value) {
            return value == null ? this : put(key, MspConfigWriter.text(value));
        }

        Entries number(String key, BigDecimal value) {
            return put(key, MspConfigWriter.number(value));
        }

        Entries list(String key, List<String> values) {
            return values.isEmpty() ? this : put(key, flow(values));
        }

        boolean isEmpty() {
            return tuples.isEmpty();
        }

        MappingNode node() {
            return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
        }
    }
}
