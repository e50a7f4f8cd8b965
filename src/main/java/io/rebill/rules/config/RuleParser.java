package io.rebill.rules.config;

import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Reads the rules of msp.yaml (spec §3), one map at a time, for {@link MspConfigParser}: the kind and the keys it
 * takes, the scope, amounts, charges' invoice labels. Every problem goes to the file's {@link Problems} with its line.
 */
final class RuleParser {
    private final Problems problems;
    /** Reads and checks a CEL condition under a key of a map (the parser's checker). */
    private final BiFunction<YamlMap, String, Optional<String>> cel;

    private record Common(String id, String title, Scope scope) {
    }

    RuleParser(Problems problems, BiFunction<YamlMap, String, Optional<String>> cel) {
        this.problems = problems;
        this.cel = cel;
    }

    /** Reads one rule map; {@code id} is its id, already read and checked unique. Empty on any problem. */
    Optional<Rule> rule(YamlMap map, Optional<String> id) {
        Optional<RuleKind> kind = map.choice("kind", true, RuleKind.yamlNames()).flatMap(RuleKind::byYamlName);
        if (kind.isPresent()) {
            map.rejectUnknownKeys(kind.get().allowedKeys(), key -> notForKind(key, kind.get()));
        } else {
            map.rejectUnknownKeys(RuleKind.allRuleKeys());
        }
        Optional<String> title = map.text("title", true, "text that says what the rule does, e.g. Uplift 3 %");
        Optional<Scope> scope = scope(map);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        Optional<Function<Common, Rule>> build = switch (kind.get()) {
            case EXCLUSION -> Optional.of(c -> new Rule.Exclusion(c.id(), c.title(), c.scope()));
            case ADJUSTMENT -> map.number("percentage", true,
                            "a number >= 0: the percentage of the cost the customer sees, e.g. 75.0")
                    .map(p -> c -> new Rule.Adjustment(c.id(), c.title(), c.scope(), p));
            case UPLIFT -> map.number("percent", true, "a number >= 0: how many percent to add, e.g. 3")
                    .map(p -> c -> new Rule.Uplift(c.id(), c.title(), leaveOutTax(c.scope()), p));
            case DISCOUNT -> discountPercent(map)
                    .map(p -> c -> new Rule.Discount(c.id(), c.title(), leaveOutTax(c.scope()), p));
            case REPLACE_RI_DISCOUNT -> Optional.of(purchasedBy(map))
                    .map(accounts -> c -> new Rule.ReplaceRiDiscount(c.id(), c.title(), c.scope(), accounts));
            case REPLACE_SP_DISCOUNT -> Optional.of(purchasedBy(map))
                    .map(accounts -> c -> new Rule.ReplaceSpDiscount(c.id(), c.title(), c.scope(), accounts));
            case RERATE_TO_LIST -> Optional.of(c -> new Rule.RerateToList(c.id(), c.title(), c.scope()));
            case REMOVE_FREE_TIER -> Optional.of(priceList(map))
                    .map(prices -> c -> new Rule.RemoveFreeTier(c.id(), c.title(), c.scope(), prices));
            case CHARGE -> chargeParts(map).map(p -> c -> new Rule.Charge(c.id(), c.title(), c.scope(),
                    p.amount(), p.frequency(), p.label()));
            case CREDIT -> chargeParts(map).map(p -> c -> new Rule.Credit(c.id(), c.title(), c.scope(),
                    p.amount(), p.frequency(), p.label()));
        };
        if (id.isEmpty() || title.isEmpty() || scope.isEmpty() || build.isEmpty()) {
            return Optional.empty();
        }
        return MspConfigParser.build(map, () -> build.get().apply(new Common(id.get(), title.get(), scope.get())));
    }

    private static Optional<String> notForKind(String key, RuleKind kind) {
        List<String> kinds = RuleKind.kindsTaking(key);
        return kinds.isEmpty() ? Optional.empty() : Optional.of("does not apply to a rule of kind " + kind.yamlName
                + " (only to " + String.join(", ", kinds) + ")");
    }

    /** Spec §3: "default scope leaves out Tax" for uplifts and discounts. */
    private static Scope leaveOutTax(Scope scope) {
        return scope.chargeCategories().isEmpty() ? scope.withChargeCategories(Keys.ALL_BUT_TAX) : scope;
    }

    private Optional<BigDecimal> discountPercent(YamlMap map) {
        String expected = "a number from 0 to 100: how many percent to take off, e.g. 2";
        Optional<BigDecimal> percent = map.number("percent", true, expected);
        if (percent.isPresent() && percent.get().compareTo(BigDecimal.valueOf(100)) > 0) {
            map.problem(map.value("percent").orElseThrow(), "'percent' must be " + expected + "; found the number "
                    + percent.get() + " (to give back more than the cost, use a credit)");
            return Optional.empty();
        }
        return percent;
    }

    /** Scope lists, when, start and end: the lines and periods a rule acts on. Empty on any problem. */
    private Optional<Scope> scope(YamlMap rule) {
        int before = problems.size();
        Optional<YamlMap> scope = rule.map("scope", false, "a map of lists, e.g. {services: [AmazonEC2]}",
                rule.context() + " scope");
        scope.ifPresent(s -> s.rejectUnknownKeys(Keys.SCOPE));
        List<String> services = scope.map(s -> s.values("services", "a list of service names, e.g. [AmazonEC2]",
                "a service name such as AmazonEC2", Nodes::text)).orElse(List.of());
        List<String> categories = scope.map(s -> s.values("categories",
                "a list of service categories, e.g. [Networking]", "a service category such as Networking",
                Nodes::text)).orElse(List.of());
        List<String> chargeTypes = scope.map(s -> s.values("charge_types",
                "a list of the provider's charge types, e.g. [RIFee, EdpDiscount]", "a charge type such as RIFee",
                Nodes::text)).orElse(List.of());
        List<String> chargeCategories = scope.map(s -> s.values("charge_categories",
                "a list of charge categories, e.g. [Usage]",
                "one of " + String.join(", ", Keys.CHARGE_CATEGORIES),
                node -> Nodes.text(node).filter(Keys.CHARGE_CATEGORIES::contains))).orElse(List.of());
        List<String> subAccounts = scope.map(s -> s.values("sub_accounts", MspConfigParser.ACCOUNTS_EXPECTED, MspConfigParser.ACCOUNT_EXPECTED,
                Nodes::accountId)).orElse(List.of());
        Optional<String> when = cel.apply(rule, "when");
        Optional<BillingPeriod> start = rule.period("start", false);
        Optional<BillingPeriod> end = rule.period("end", false);
        if (start.isPresent() && end.isPresent() && end.get().compareTo(start.get()) < 0) {
            rule.problem(rule.value("end").orElseThrow(), "'end' " + end.get() + " is before 'start' " + start.get()
                    + "; expected a period on or after start (both are included)");
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Scope(services, categories, chargeTypes, chargeCategories, subAccounts, when, start,
                end));
    }

    private List<String> purchasedBy(YamlMap map) {
        return map.values("purchased_by", MspConfigParser.ACCOUNTS_EXPECTED + " (left out: bought by any account)",
                MspConfigParser.ACCOUNT_EXPECTED, Nodes::accountId);
    }

    private Map<String, BigDecimal> priceList(YamlMap rule) {
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        Optional<YamlMap> list = rule.map("price_list", false,
                "a map of SKU to its first paid rate, e.g. {2223B6PCG6QAUYY6: 0.0116}", rule.context() + " price_list");
        list.ifPresent(l -> l.entries().forEach((sku, rate) -> {
            Optional<BigDecimal> value = Nodes.decimal(rate).filter(r -> r.signum() > 0);
            if (value.isPresent()) {
                prices.put(sku, value.get());
            } else {
                l.wrongValue(sku, rate, "a rate per unit greater than 0, e.g. 0.0116");
            }
        }));
        return prices;
    }

    private record ChargeParts(Rule.Amount amount, Rule.Frequency frequency, Rule.InvoiceLabel label) {
    }

    private Optional<ChargeParts> chargeParts(YamlMap map) {
        Optional<Rule.Amount> amount = amount(map);
        Optional<Rule.Frequency> frequency = map.choice("frequency", true, List.of("monthly", "one_time"))
                .map(f -> f.equals("monthly") ? Rule.Frequency.MONTHLY : Rule.Frequency.ONE_TIME);
        Optional<Rule.InvoiceLabel> label = invoiceLabel(map);
        if (frequency.equals(Optional.of(Rule.Frequency.ONE_TIME)) && !map.has("start")) {
            // the billing run adds a one-time line in the rule's start period and nowhere else
            map.problem(map.value("frequency").orElseThrow(), "a one_time " + map.value("kind").flatMap(Nodes::text)
                    .orElse("charge") + " needs 'start', the billing period it is added in; expected start: YYYY-MM,"
                    + " e.g. start: 2025-07");
        }
        if (amount.isEmpty() || frequency.isEmpty() || label.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ChargeParts(amount.get(), frequency.get(), label.get()));
    }

    private Optional<Rule.Amount> amount(YamlMap map) {
        String sum = "a sum >= 0 in the MSP's currency, e.g. 250.00";
        String share = "a number >= 0: the percentage of the customer's subtotal, e.g. 5";
        Optional<BigDecimal> fixed = map.number("amount", false, sum);
        Optional<BigDecimal> percent = map.number("percent_of_subtotal", false, share);
        Optional<BigDecimal> minimum = map.number("minimum", false, sum);
        boolean hasFixed = map.has("amount");
        boolean hasPercent = map.has("percent_of_subtotal");
        if (hasFixed && hasPercent) {
            map.problem(map.keyNode("percent_of_subtotal").orElseThrow(),
                    "give either 'amount' or 'percent_of_subtotal', not both");
            return Optional.empty();
        }
        if (!hasFixed && !hasPercent) {
            map.problem(map.node(), "missing required key 'amount' or 'percent_of_subtotal'; expected amount: " + sum
                    + ", or percent_of_subtotal: " + share);
            return Optional.empty();
        }
        if (map.has("minimum") && !hasPercent) {
            map.problem(map.keyNode("minimum").orElseThrow(),
                    "'minimum' applies only with percent_of_subtotal; remove it or charge a percent_of_subtotal");
            return Optional.empty();
        }
        return hasFixed
                ? fixed.map(Rule.Amount.Fixed::new)
                : percent.map(p -> new Rule.Amount.PercentOfSubtotal(p, minimum));
    }

    private Optional<Rule.InvoiceLabel> invoiceLabel(YamlMap rule) {
        Optional<YamlMap> invoice = rule.map("invoice", true,
                "a map with the invoice line's service (and optional category and sub_category), e.g."
                        + " {service: Managed services}", rule.context() + " invoice");
        invoice.ifPresent(i -> i.rejectUnknownKeys(Keys.INVOICE));
        Optional<String> service = invoice.flatMap(i -> i.text("service", true,
                "the service the line is shown under, e.g. Managed services"));
        Optional<String> category = invoice.flatMap(i -> i.text("category", false, "text, e.g. MSP fee"));
        Optional<String> subCategory = invoice.flatMap(i -> i.text("sub_category", false, "text, e.g. Onboarding"));
        return service.map(s -> new Rule.InvoiceLabel(s, category, subCategory));
    }
}
