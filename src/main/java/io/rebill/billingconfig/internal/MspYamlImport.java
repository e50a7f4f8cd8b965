package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingConfigProblem;
import io.rebill.billingconfig.ConfigImport;
import io.rebill.billingconfig.InvalidBillingConfigException;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Workflow;
import io.rebill.rules.config.ConfigProblem;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a parsed msp.yaml over an MSP's stored configuration (docs/portal-billing-rules.md, "msp.yaml export and
 * import"): checks its customers against the managed accounts and their linked accounts, then replaces rules,
 * workflows and assignments and sets the customers' match predicates and claim order. The caller holds the
 * transaction and the MSP's lock.
 */
final class MspYamlImport {
    private static final Pattern PROBLEM_CONTEXT = Pattern.compile("^(customer|rule|workflow|assignment) '([^']*)'");
    private static final Pattern FIELD_IN_MESSAGE = Pattern.compile("^[^:]*: (?:(?:missing required |unknown )?key )?'([a-z_]+)'");

    private final StoreDb db;
    private final Clock clock;

    MspYamlImport(StoreDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    ConfigImport replace(Snapshot before, MspConfig config, BillingPeriod checkedIn, String by) {
        UUID msp = before.msp().id();
        List<String> warnings = new ArrayList<>();
        Map<String, Account> byKey = new LinkedHashMap<>();
        before.customers().forEach(c -> byKey.put(c.key(), c));
        checkImport(config, before, byKey, warnings);
        Map<String, ObjectNode> definitions = Canonical.rules(config);
        // an account's own workflow stays its own while the file assigns it to that account only
        Map<String, Optional<UUID>> owners = new HashMap<>();
        before.workflows().forEach(w -> owners.put(w.key(), w.customerAccountId().filter(owner -> config
                .assignments().stream().filter(a -> a.workflowId().equals(w.key()))
                .allMatch(a -> byKey.get(a.customerId()).id().equals(owner)))));
        db.deleteAll(msp);
        Instant now = Instant.now(clock);
        int position = 0;
        for (io.rebill.rules.Rule rule : config.rules()) {
            ObjectNode definition = definitions.get(rule.id());
            db.insertRule(msp, new Snapshot.RuleRow(UUID.randomUUID(), rule.id(), Canonical.kind(definition),
                    rule.title(), definition, ++position, now, by, now));
        }
        position = 0;
        for (Workflow w : config.workflows()) {
            db.insertWorkflow(msp, new Snapshot.WorkflowRow(UUID.randomUUID(), w.id(), w.title(), basis(w.basis()),
                    w.ruleIds(), ++position, owners.getOrDefault(w.id(), Optional.empty()), now, by, now,
                    Optional.empty()));
        }
        for (io.rebill.rules.Assignment a : config.assignments()) {
            db.upsertAssignment(msp, new Snapshot.AssignmentRow(byKey.get(a.customerId()).id(), a.from(),
                    a.workflowId(), now, by));
        }
        position = 0;
        Set<String> inFile = new HashSet<>();
        for (Customer c : config.customers()) {
            inFile.add(c.id());
            db.setCustomerBilling(msp, byKey.get(c.id()).id(), c.match(), ++position);
        }
        for (Account other : before.customers()) {
            if (!inFile.contains(other.key())) {
                db.setCustomerBilling(msp, other.id(), other.matchExpression(), null);
            }
        }
        List<String> dropped = before.assignments().stream()
                .map(a -> before.customer(a.customerAccountId()).map(Account::key).orElse("?"))
                .filter(k -> !inFile.contains(k)).distinct().toList();
        if (!dropped.isEmpty()) {
            warnings.add("customer accounts not in the file are no longer assigned a workflow: "
                    + String.join(", ", dropped));
        }
        return new ConfigImport(config.rules().size(), config.workflows().size(), config.assignments().size(),
                config.customers().size(), checkedIn, warnings);
    }

    private static void checkImport(MspConfig config, Snapshot before, Map<String, Account> byKey, List<String> warnings) {
        List<BillingConfigProblem> problems = new ArrayList<>();
        if (!config.currency().equals(before.msp().currency())) {
            problems.add(new BillingConfigProblem("msp", Optional.empty(), Optional.of("currency"), Optional.empty(),
                    Optional.empty(), "msp: currency " + config.currency() + " is not the MSP's currency "
                    + before.msp().currency() + "; bill in " + before.msp().currency()));
        }
        if (!config.mspName().equals(before.msp().name())) {
            warnings.add("msp: the name '" + config.mspName() + "' in the file is not applied; the MSP is named '"
                    + before.msp().name() + "'");
        }
        for (Customer c : config.customers()) {
            Account account = byKey.get(c.id());
            if (account == null) {
                problems.add(new BillingConfigProblem("customer", Optional.of(c.id()), Optional.of("id"),
                        Optional.empty(), Optional.empty(), "customer '" + c.id() + "' is not a managed account of "
                        + before.msp().name() + "; create it under Managed Accounts first (its key must be '" + c.id()
                        + "'), or remove it from the file"));
                continue;
            }
            Set<String> listed = new TreeSet<>(c.accounts());
            Set<String> billed = new TreeSet<>(before.accountsOf(account.id()));
            for (String sub : listed) {
                if (!billed.contains(sub)) {
                    UUID owner = before.owners().get(sub);
                    String now = owner == null ? "nobody" : "customer '" + before.customer(owner).map(Account::key)
                            .orElse("?") + "'";
                    problems.add(new BillingConfigProblem("customer", Optional.of(c.id()), Optional.of("accounts"),
                            Optional.empty(), Optional.empty(), "customer '" + c.id() + "': linked account '" + sub
                            + "' is billed to " + now + " in " + before.period() + "; assign it to " + account.name()
                            + " under Integrations (linked accounts) first"));
                }
            }
            for (String sub : billed) {
                if (!listed.contains(sub)) {
                    problems.add(new BillingConfigProblem("customer", Optional.of(c.id()), Optional.of("accounts"),
                            Optional.empty(), Optional.empty(), "customer '" + c.id() + "': linked account '" + sub
                            + "' is billed to " + account.name() + " in " + before.period() + " but not listed;"
                            + " add it to accounts, or move it under Integrations (linked accounts)"));
                }
            }
            if (!account.name().equals(c.name())) {
                warnings.add("customer '" + c.id() + "': the name '" + c.name() + "' is not applied; the managed"
                        + " account is named '" + account.name() + "'");
            }
            if (c.contactEmail() != null && !c.contactEmail().equalsIgnoreCase(account.contactEmail())) {
                warnings.add("customer '" + c.id() + "': the contact_email " + c.contactEmail() + " is not applied;"
                        + " the managed account's is " + account.contactEmail());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidBillingConfigException(problems);
        }
    }

    static BillingConfigProblem fileProblem(ConfigProblem p) {
        Matcher context = PROBLEM_CONTEXT.matcher(p.message());
        boolean named = context.find();
        Matcher field = FIELD_IN_MESSAGE.matcher(p.message());
        return new BillingConfigProblem(named ? context.group(1) : "msp",
                named ? Optional.of(context.group(2)) : Optional.empty(),
                field.find() ? Optional.of(field.group(1)) : Optional.empty(),
                Optional.of(p.line()), Optional.of(p.column()), p.message());
    }

    static String basis(Workflow.Basis basis) {
        return switch (basis) {
            case EFFECTIVE -> "effective";
            case BILLED -> "billed";
            case LIST -> "list";
        };
    }
}
