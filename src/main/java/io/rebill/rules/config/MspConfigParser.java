package io.rebill.rules.config;

import io.rebill.rules.Assignment;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Workflow;
import io.rebill.shared.money.ExchangeRates;
import io.rebill.shared.time.BillingPeriod;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads msp.yaml into an {@link MspConfig} at the level of YAML nodes, so that every problem carries the line and
 * column it is at. Reading never stops at the first problem: all are collected and thrown together.
 * One parser reads one file.
 */
final class MspConfigParser {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final String ID_EXPECTED = "1-64 characters of a-z, 0-9, '_' or '-' (not starting with '_' or"
            + " '-'), e.g. acme-corp";
    private static final String CEL_EXPECTED = "a CEL expression over line, e.g. line.tags['customer'] == 'acme'";
    static final String ACCOUNT_EXPECTED = "an account id such as '123456789012'";
    static final String ACCOUNTS_EXPECTED = "a list of account ids, e.g. ['123456789012']";

    private final ExpressionChecker checker;
    private final Problems problems;
    /** Each defined id with the node it is written at, for "already used on line N" and for references. */
    private final Map<String, Node> customerIds = new LinkedHashMap<>();
    private final Map<String, Node> ruleIds = new LinkedHashMap<>();
    private final Map<String, Node> workflowIds = new LinkedHashMap<>();
    private final Map<String, Claim> accountClaims = new HashMap<>();

    private record Claim(String customer, Node at) {
    }

    private final RuleParser ruleParser;

    MspConfigParser(String file, ExpressionChecker checker) {
        this.checker = checker;
        this.problems = new Problems(file);
        this.ruleParser = new RuleParser(problems, this::cel);
    }

    private Optional<Rule> rule(YamlMap map) {
        return ruleParser.rule(map, id(map, "rule", ruleIds));
    }

    MspConfig parse(String yaml) {
        Optional<MappingNode> root = root(yaml);
        problems.throwIfAny();
        YamlMap top = new YamlMap(root.orElseThrow(), "top level", problems);
        top.rejectUnknownKeys(Keys.TOP);

        Optional<YamlMap> msp = top.map("msp", true, "a map with name and currency, e.g. {name: Example Cloud,"
                + " currency: EUR}", "msp");
        msp.ifPresent(m -> m.rejectUnknownKeys(Keys.MSP));
        Optional<String> name = msp.flatMap(m -> m.text("name", true, "text, e.g. Example Cloud Services"));
        Optional<String> currency = msp.flatMap(this::currency);
        // rules before workflows and customers and workflows before assignments, whatever their order in the file,
        // so that references can be checked against every id
        List<Customer> customers = items(top, "customers", "id, name, accounts", "customer", this::customer);
        List<Rule> rules = items(top, "rules", "id, title, kind", "rule", this::rule);
        List<Workflow> workflows = items(top, "workflows", "id, title, rules", "workflow", this::workflow);
        List<Assignment> assignments = assignments(top);
        List<ExchangeRates.Rate> rates = exchangeRates(top, currency);

        problems.throwIfAny();
        return new MspConfig(name.orElseThrow(), currency.orElseThrow(), customers, rules, workflows, assignments,
                new ExchangeRates(currency.orElseThrow(), rates));
    }

    private Optional<MappingNode> root(String yaml) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            // "expected a single document in the stream" (context) explains "but found another document" (problem)
            String problem = e.getContext() == null ? e.getProblem()
                    : e.getProblem() == null ? e.getContext() : e.getContext() + " " + e.getProblem();
            if (at == null) {
                problems.at(1, 1, "not valid YAML: " + problem);
            } else {
                problems.add(at, "not valid YAML: " + problem);
            }
            return Optional.empty();
        } catch (YAMLException e) {
            problems.at(1, 1, "not valid YAML: " + e.getMessage());
            return Optional.empty();
        }
        String expected = "a map with the keys " + String.join(", ", Keys.TOP);
        if (root == null) {
            problems.at(1, 1, "the file is empty; expected " + expected);
            return Optional.empty();
        }
        if (!(root instanceof MappingNode map)) {
            problems.add(root, "the file must be " + expected + "; found " + Nodes.describe(root));
            return Optional.empty();
        }
        return Optional.of(map);
    }

    private Optional<String> currency(YamlMap msp) {
        String expected = "an ISO 4217 currency code in capitals, e.g. USD or EUR";
        Optional<String> code = msp.text("currency", true, expected);
        if (code.isPresent() && !isCurrency(code.get())) {
            msp.wrongValue("currency", msp.value("currency").orElseThrow(), expected);
            return Optional.empty();
        }
        return code;
    }

    private static boolean isCurrency(String code) {
        if (!code.matches("[A-Z]{3}")) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Reads a list of maps; an item that does not read completely is left out (its problems are reported). */
    private <T> List<T> items(YamlMap top, String key, String shape, String what,
                              Function<YamlMap, Optional<T>> reader) {
        List<T> result = new ArrayList<>();
        List<Node> items = top.list(key, false, "a list of " + key + ", each a map with " + shape)
                .orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (item instanceof MappingNode map) {
                int before = problems.size();
                Optional<T> read = reader.apply(new YamlMap(map, what + " #" + (i + 1), problems));
                // an item with a problem is left out: the file is rejected anyway, and what remains stays valid
                if (problems.size() == before) {
                    read.ifPresent(result::add);
                }
            } else {
                top.problem(item, "each item of '" + key + "' must be a map with " + shape + "; found "
                        + Nodes.describe(item));
            }
        }
        return result;
    }

    /** Reads the id, checks it is unique among {@code defined} and names the map after it. */
    private Optional<String> id(YamlMap map, String what, Map<String, Node> defined) {
        Optional<Node> node = map.required("id", ID_EXPECTED);
        Optional<String> id = node.flatMap(Nodes::word).filter(v -> ID.matcher(v).matches());
        if (node.isPresent() && id.isEmpty()) {
            map.wrongValue("id", node.get(), ID_EXPECTED);
        }
        if (id.isPresent()) {
            Node first = defined.putIfAbsent(id.get(), node.get());
            if (first != null) {
                map.problem(node.get(), "id '" + id.get() + "' is already used by the " + what + " on line "
                        + Nodes.line(first) + "; " + what + " ids must be unique");
            }
            map.context(what + " '" + id.get() + "'");
        }
        return id;
    }

    private Optional<String> cel(YamlMap map, String key) {
        return map.text(key, false, CEL_EXPECTED).flatMap(expression -> {
            try {
                checker.check(expression);
                return Optional.of(expression);
            } catch (IllegalArgumentException e) {
                map.problem(map.value(key).orElseThrow(), "'" + key + "' is not a valid CEL expression: "
                        + e.getMessage());
                return Optional.empty();
            }
        });
    }

    // ---- customers (spec §2) ----

    private Optional<Customer> customer(YamlMap map) {
        Optional<String> id = id(map, "customer", customerIds);
        map.rejectUnknownKeys(Keys.CUSTOMER);
        Optional<String> name = map.text("name", true, "text, e.g. Acme Corporation");
        Optional<String> email = contactEmail(map);
        List<String> accounts = accounts(map, id.orElse(map.context()));
        Optional<String> match = cel(map, "match");
        boolean listsAccounts = map.value("accounts")
                .filter(n -> n instanceof SequenceNode s && !s.getValue().isEmpty()).isPresent();
        if (!listsAccounts && !map.has("match")) {
            map.problem(map.node(), "claims no lines; expected accounts: a list of its linked account ids, or"
                    + " match: " + CEL_EXPECTED);
        }
        if (id.isEmpty() || name.isEmpty() || accounts.isEmpty() && match.isEmpty()) {
            return Optional.empty();
        }
        return build(map, () -> new Customer(id.get(), name.get(), email.orElse(null), accounts, match));
    }

    private Optional<String> contactEmail(YamlMap map) {
        String expected = "an email address, e.g. billing@acme.example";
        Optional<String> email = map.text("contact_email", false, expected);
        if (email.isPresent() && !EMAIL.matcher(email.get()).matches()) {
            map.wrongValue("contact_email", map.value("contact_email").orElseThrow(), expected);
            return Optional.empty();
        }
        return email;
    }

    /** A customer's accounts; an account already claimed by an earlier customer is reported where it repeats. */
    private List<String> accounts(YamlMap map, String customer) {
        List<String> result = new ArrayList<>();
        for (Node item : map.list("accounts", false, ACCOUNTS_EXPECTED).orElse(List.of())) {
            Optional<String> account = Nodes.accountId(item);
            if (account.isEmpty()) {
                map.problem(item, "each item of 'accounts' must be " + ACCOUNT_EXPECTED + "; found "
                        + Nodes.describe(item));
                continue;
            }
            Claim first = accountClaims.putIfAbsent(account.get(), new Claim(customer, item));
            if (first == null) {
                result.add(account.get());
            } else if (first.customer().equals(customer)) {
                map.problem(item, "account '" + account.get() + "' is listed twice (first on line "
                        + Nodes.line(first.at()) + "); list each account once");
            } else {
                map.problem(item, "account '" + account.get() + "' is already claimed by customer '"
                        + first.customer() + "' (line " + Nodes.line(first.at())
                        + "); an account belongs to one customer");
            }
        }
        return result;
    }

    // ---- workflows and assignments ----

    private Optional<Workflow> workflow(YamlMap map) {
        Optional<String> id = id(map, "workflow", workflowIds);
        map.rejectUnknownKeys(Keys.WORKFLOW);
        Optional<String> title = map.text("title", true, "text, e.g. Standard: list price plus 3 %");
        Optional<Workflow.Basis> basis = map.choice("basis", false, List.of("effective", "billed", "list"))
                .map(b -> Workflow.Basis.valueOf(b.toUpperCase()));
        boolean basisOk = !map.has("basis") || basis.isPresent();
        Optional<List<String>> rules = map.list("rules", true,
                "a list of rule ids in the order they apply, e.g. [replace-ri, uplift-3]").map(n -> ruleRefs(map, n));
        if (id.isEmpty() || title.isEmpty() || !basisOk || rules.isEmpty()) {
            return Optional.empty();
        }
        return build(map, () -> new Workflow(id.get(), title.get(), basis.orElse(Workflow.Basis.EFFECTIVE),
                rules.get()));
    }

    private List<String> ruleRefs(YamlMap workflow, List<Node> items) {
        List<String> result = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        for (Node item : items) {
            Optional<String> ref = reference(workflow, item, "rule", "rules", ruleIds);
            if (ref.isEmpty()) {
                continue;
            }
            Node first = seen.putIfAbsent(ref.get(), item);
            if (first != null) {
                workflow.problem(item, "rule '" + ref.get() + "' appears twice in this workflow (first on line "
                        + Nodes.line(first) + "); a workflow applies each rule once");
            } else {
                result.add(ref.get());
            }
        }
        return result;
    }

    /** An id that must be defined under {@code section}. */
    private Optional<String> reference(YamlMap map, Node node, String what, String section,
                                       Map<String, Node> defined) {
        Optional<String> ref = Nodes.word(node);
        if (ref.isEmpty()) {
            map.problem(node, "expected the id of a " + what + " defined under " + section + "; found "
                    + Nodes.describe(node));
        } else if (!defined.containsKey(ref.get())) {
            String guess = Nodes.closest(ref.get(), defined.keySet()).map(g -> " (did you mean '" + g + "'?)")
                    .orElse("");
            map.problem(node, what + " '" + ref.get() + "' is not defined" + guess + "; expected the id of a " + what
                    + " defined under " + section);
            return Optional.empty();
        }
        return ref;
    }

    private List<Assignment> assignments(YamlMap top) {
        Map<String, Node> starts = new HashMap<>();
        return items(top, "assignments", "customer, workflow, from", "assignment", map -> {
            map.rejectUnknownKeys(Keys.ASSIGNMENT);
            Optional<String> customer = map.required("customer", "the id of a customer, e.g. acme")
                    .flatMap(n -> reference(map, n, "customer", "customers", customerIds));
            Optional<String> workflow = map.required("workflow", "the id of a workflow, e.g. standard")
                    .flatMap(n -> reference(map, n, "workflow", "workflows", workflowIds));
            Optional<BillingPeriod> from = map.period("from", true);
            if (customer.isPresent() && from.isPresent()) {
                Node at = map.value("from").orElseThrow();
                Node first = starts.putIfAbsent(customer.get() + " " + from.get(), at);
                if (first != null) {
                    map.problem(at, "customer '" + customer.get() + "' already has an assignment from " + from.get()
                            + " (line " + Nodes.line(first) + "); give a customer one workflow per starting period");
                }
            }
            if (customer.isEmpty() || workflow.isEmpty() || from.isEmpty()) {
                return Optional.empty();
            }
            return build(map, () -> new Assignment(customer.get(), workflow.get(), from.get()));
        });
    }

    // ---- exchange rates (issue 13 item 6) ----

    /**
     * The rates of lines in other currencies: one per source currency and billing period, 1 {@code from} =
     * {@code rate} units of the MSP's currency, at most {@link ExchangeRates#MAX_RATE_SCALE} decimal places.
     */
    private List<ExchangeRates.Rate> exchangeRates(YamlMap top, Optional<String> currency) {
        Map<String, Node> seen = new HashMap<>();
        String codeExpected = "an ISO 4217 currency code in capitals, e.g. EUR";
        String rateExpected = "a decimal above 0 with at most " + ExchangeRates.MAX_RATE_SCALE
                + " decimal places, e.g. 1.0825 (1 unit of 'from' in the MSP's currency)";
        return items(top, "exchange_rates", "from, period, rate", "exchange rate", map -> {
            map.rejectUnknownKeys(Keys.EXCHANGE_RATE);
            Optional<String> from = map.text("from", true, codeExpected);
            if (from.isPresent() && !isCurrency(from.get())) {
                map.wrongValue("from", map.value("from").orElseThrow(), codeExpected);
                from = Optional.empty();
            }
            if (from.isPresent() && currency.filter(from.get()::equals).isPresent()) {
                map.problem(map.value("from").orElseThrow(), "'from' " + from.get() + " is the MSP's own currency:"
                        + " its lines need no rate");
                from = Optional.empty();
            }
            Optional<BillingPeriod> period = map.period("period", true);
            Optional<BigDecimal> rate = map.required("rate", rateExpected).flatMap(n -> {
                Optional<BigDecimal> value = Nodes.decimal(n).filter(r -> r.signum() > 0).map(BigDecimal::stripTrailingZeros)
                        .filter(r -> Math.max(r.scale(), 0) <= ExchangeRates.MAX_RATE_SCALE && r.precision() - r.scale() <= 12);
                if (value.isEmpty()) {
                    map.wrongValue("rate", n, rateExpected);
                }
                return value;
            });
            if (from.isPresent() && period.isPresent()) {
                Node at = map.value("period").orElseThrow();
                Node first = seen.putIfAbsent(from.get() + " " + period.get(), at);
                if (first != null) {
                    map.problem(at, from.get() + " already has a rate for " + period.get() + " (line "
                            + Nodes.line(first) + "); give one rate per currency and billing period");
                    return Optional.empty();
                }
            }
            if (from.isEmpty() || period.isEmpty() || rate.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ExchangeRates.Rate(from.get(), period.get(), rate.get()));
        });
    }

    // ---- helpers ----

    /**
     * Builds a model record. Its constructor checks its own invariants; whatever it still rejects (everything should
     * have been caught above) is reported at the map rather than thrown without a line.
     */
    static <T> Optional<T> build(YamlMap map, Supplier<T> constructor) {
        try {
            return Optional.of(constructor.get());
        } catch (IllegalArgumentException e) {
            map.problem(map.node(), e.getMessage());
            return Optional.empty();
        }
    }
}
