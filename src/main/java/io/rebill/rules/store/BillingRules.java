package io.rebill.rules.store;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.rules.BillDiff;
import io.rebill.rules.Billing;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Workflow;
import io.rebill.rules.config.InvalidMspConfigException;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The billing feature's store: an MSP's billing rules, workflows and assignments in PostgreSQL, the same model as
 * msp.yaml (docs/msp-config.md, docs/portal-billing-rules.md). Screens and the API call this facade; it checks the
 * actor's permissions itself, scopes everything by the actor's MSP, runs each change in one transaction with its
 * audit entry, and validates a change by writing the MSP's whole configuration as msp.yaml text and parsing it with
 * {@link MspConfigFile}: what a file would reject, the portal rejects, with the rule key and field named.
 *
 * <p>Rules and workflows are given as their msp.yaml mappings (plain maps, as a form or JSON body gives them) with
 * the id called {@code key}; numbers may be JSON numbers or decimal strings.
 */
public final class BillingRules {
    private static final int KEY_LENGTH = 64;

    private final StoreDb db;
    private final TransactionTemplate tx;
    private final Integrations integrations;
    private final Ingestion ingestion;
    private final Billing billing;
    private final AuditLog audit;
    private final Clock clock;

    public BillingRules(JdbcClient jdbc, TransactionTemplate tx, Integrations integrations, Ingestion ingestion,
                        Billing billing, AuditLog audit, Clock clock) {
        this.db = new StoreDb(jdbc);
        this.tx = tx;
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.billing = billing;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * A JSON object as the store takes it (a request body): decimals exact, a key given twice refused. {@code what}
     * names the body in the error ("request body").
     */
    private final java.util.List<java.util.function.Consumer<UUID>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called with the MSP's id after a change of its configuration has committed (bill runs refresh drafts). */
    public void onChange(java.util.function.Consumer<UUID> listener) {
        listeners.add(listener);
    }

    /** Audits a change and, once its transaction commits, tells the listeners that the MSP's configuration moved. */
    private void recordChange(Actor actor, String action, String target, Map<String, ?> detail) {
        audit.record(actor, action, target, detail);
        actor.mspId().ifPresent(msp -> {
            Runnable notify = () -> listeners.forEach(l -> l.accept(msp));
            if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
                org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                        new org.springframework.transaction.support.TransactionSynchronization() {
                            @Override
                            public void afterCommit() {
                                notify.run();
                            }
                        });
            } else {
                notify.run();
            }
        });
    }

    public static Map<String, Object> parseJson(String json, String what) {
        return Json.toMap(Json.object(json, what));
    }

    /** The calendar month now: changes to assignments take effect from it unless told otherwise. */
    public BillingPeriod currentPeriod() {
        return new BillingPeriod(YearMonth.now(clock));
    }

    // ---- rules ----

    /** Needs View Management Account. */
    public Page<BillingRule> rules(Actor actor, PageRequest page) {
        UUID msp = viewer(actor);
        List<Snapshot.WorkflowRow> workflows = visible(actor, db.workflows(msp));
        List<BillingRule> items = db.rules(msp, page.offset(), page.limit()).stream()
                .map(r -> rule(r, workflows)).toList();
        return new Page<>(items, page.offset(), page.limit(), db.countRules(msp));
    }

    public BillingRule rule(Actor actor, UUID id) {
        UUID msp = viewer(actor);
        return rule(findRule(db.rules(msp), id), visible(actor, db.workflows(msp)));
    }

    /** Creates a rule (Create Management Resources); a key already used is DUPLICATE. */
    public BillingRule createRule(Actor actor, Map<String, ?> fields) {
        UUID msp = editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            ObjectNode definition = ruleInput(Json.object(fields), Optional.empty());
            String key = definition.path("id").asString();
            if (before.rule(key).isPresent()) {
                throw new RebillException(ErrorCode.DUPLICATE, "rule '" + key + "' already exists; choose another key"
                        + " or edit that rule");
            }
            Snapshot.RuleRow row = new Snapshot.RuleRow(UUID.randomUUID(), key, "", "", definition,
                    db.nextRulePosition(msp), Instant.now(clock), actor.createdBy(), Instant.now(clock));
            validate(before, before.withRule(row));
            Snapshot.RuleRow saved = canonical(before.msp(), row);
            db.insertRule(msp, saved);
            recordChange(actor, "billing_rule.create", saved.id().toString(), Map.of("key", key, "kind", saved.kind()));
            return rule(saved, visible(actor, before.workflows()));
        });
    }

    /**
     * Replaces a rule's definition (PUT). A new key is carried into the workflows that list the rule; a key left out
     * keeps the current one.
     */
    public BillingRule replaceRule(Actor actor, UUID id, Map<String, ?> fields) {
        UUID msp = editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            Snapshot.RuleRow current = findRule(before.rules(), id);
            return saveRule(actor, before, current, ruleInput(Json.object(fields), Optional.of(current.key())));
        });
    }

    /**
     * Changes some fields of a rule (PATCH, RFC 7396 merge): a field given replaces the stored one, a field given as
     * null removes it.
     */
    public BillingRule patchRule(Actor actor, UUID id, Map<String, ?> patch) {
        UUID msp = editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            Snapshot.RuleRow current = findRule(before.rules(), id);
            ObjectNode merged = Json.object(Json.withDecimalStrings(withKey(current.definition())));
            Json.mergePatch(merged, patch);
            return saveRule(actor, before, current, ruleInput(merged, Optional.of(current.key())));
        });
    }

    private BillingRule saveRule(Actor actor, Snapshot before, Snapshot.RuleRow current, ObjectNode definition) {
        UUID msp = before.msp().id();
        String key = definition.path("id").asString();
        boolean renamed = !key.equals(current.key());
        if (renamed && before.rule(key).isPresent()) {
            throw new RebillException(ErrorCode.DUPLICATE, "rule '" + key + "' already exists; choose another key");
        }
        Snapshot.RuleRow row = new Snapshot.RuleRow(current.id(), key, current.kind(), current.title(), definition,
                current.position(), current.createdAt(), current.createdBy(), Instant.now(clock));
        Snapshot after = before.withRule(row);
        if (renamed) {
            after = after.mapWorkflows(w -> w.ruleKeys().contains(current.key())
                    ? w.withRuleKeys(w.ruleKeys().stream().map(k -> k.equals(current.key()) ? key : k).toList()) : w);
        }
        validate(before, after);
        Snapshot.RuleRow saved = canonical(before.msp(), row);
        db.updateRule(msp, saved);
        if (renamed) {
            for (Snapshot.WorkflowRow w : after.workflows()) {
                if (w.ruleKeys().contains(key)) {
                    db.updateWorkflow(msp, w);
                }
            }
        }
        recordChange(actor, "billing_rule.update", saved.id().toString(), Map.of("key", key, "kind", saved.kind(),
                "was", current.key()));
        return rule(saved, visible(actor, after.workflows()));
    }

    /** Deletes a rule; one that a workflow still lists is IN_USE (409), naming the workflows. */
    public void deleteRule(Actor actor, UUID id) {
        UUID msp = editor(actor);
        tx.executeWithoutResult(status -> {
            db.lock(msp);
            Snapshot.RuleRow rule = findRule(db.rules(msp), id);
            List<Snapshot.WorkflowRow> workflows = db.workflows(msp);
            List<String> usedBy = usedBy(rule.key(), workflows);
            if (!usedBy.isEmpty()) {
                List<String> named = usedBy(rule.key(), visible(actor, workflows));
                String others = named.size() == usedBy.size() ? "" : (named.isEmpty() ? "" : " and ")
                        + "managed accounts' own selections of rules";
                throw new RebillException(ErrorCode.IN_USE, "rule '" + rule.key() + "' is used by "
                        + (named.isEmpty() ? "" : "the workflow" + (named.size() > 1 ? "s " : " ")
                        + String.join(", ", named)) + others + "; remove it from them before deleting it");
            }
            db.deleteRule(msp, id);
            recordChange(actor, "billing_rule.delete", id.toString(), Map.of("key", rule.key()));
        });
    }

    // ---- workflows ----

    public Page<BillingWorkflow> workflows(Actor actor, PageRequest page) {
        UUID msp = viewer(actor);
        Snapshot s = snapshot(msp, currentPeriod());
        boolean withAccounts = seesAccounts(actor);
        List<BillingWorkflow> items = db.workflows(msp, withAccounts, page.offset(), page.limit()).stream()
                .map(w -> workflow(actor, w, s)).toList();
        return new Page<>(items, page.offset(), page.limit(), db.countWorkflows(msp, withAccounts));
    }

    public BillingWorkflow workflow(Actor actor, UUID id) {
        UUID msp = viewer(actor);
        Snapshot s = snapshot(msp, currentPeriod());
        return workflow(actor, findWorkflow(visible(actor, s.workflows()), id), s);
    }

    /** Creates a workflow: {@code key}, {@code title}, {@code basis} (default effective), {@code rules} (keys, in order). */
    public BillingWorkflow createWorkflow(Actor actor, Map<String, ?> fields) {
        UUID msp = editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            ObjectNode input = workflowInput(Json.object(fields), Optional.empty());
            String key = input.path("id").asString();
            if (before.workflow(key).isPresent()) {
                throw new RebillException(ErrorCode.DUPLICATE, "workflow '" + key + "' already exists; choose another"
                        + " key or edit that workflow");
            }
            Snapshot.WorkflowRow pending = pendingWorkflow(UUID.randomUUID(), input, db.nextWorkflowPosition(msp),
                    Optional.empty(), actor.createdBy());
            Snapshot after = before.withWorkflow(pending);
            validate(before, after);
            Snapshot.WorkflowRow saved = canonical(after, pending);
            db.insertWorkflow(msp, saved);
            recordChange(actor, "workflow.create", saved.id().toString(), Map.of("key", key, "rules", saved.ruleKeys()));
            return workflow(actor, saved, after.withWorkflow(saved));
        });
    }

    public BillingWorkflow replaceWorkflow(Actor actor, UUID id, Map<String, ?> fields) {
        UUID msp = editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            Snapshot.WorkflowRow current = findWorkflow(visible(actor, before.workflows()), id);
            return saveWorkflow(actor, before, current, workflowInput(Json.object(fields), Optional.of(current.key())));
        });
    }

    /** Changes some fields (RFC 7396 merge): {@code {"rules": [...]}} reorders or changes the rules only. */
    public BillingWorkflow patchWorkflow(Actor actor, UUID id, Map<String, ?> patch) {
        UUID msp = editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            Snapshot.WorkflowRow current = findWorkflow(visible(actor, before.workflows()), id);
            ObjectNode merged = Json.NODES.objectNode().put("key", current.key()).put("title", current.title())
                    .put("basis", current.basis());
            current.ruleKeys().forEach(merged.putArray("rules")::add);
            Json.mergePatch(merged, patch);
            return saveWorkflow(actor, before, current, workflowInput(merged, Optional.of(current.key())));
        });
    }

    private BillingWorkflow saveWorkflow(Actor actor, Snapshot before, Snapshot.WorkflowRow current, ObjectNode input) {
        UUID msp = before.msp().id();
        String key = input.path("id").asString();
        if (!key.equals(current.key()) && before.workflow(key).isPresent()) {
            throw new RebillException(ErrorCode.DUPLICATE, "workflow '" + key + "' already exists; choose another key");
        }
        Snapshot.WorkflowRow pending = pendingWorkflow(current.id(), input, current.position(),
                current.customerAccountId(), current.createdBy());
        String oldKey = current.key();
        // assignments follow a renamed workflow (in the database: ON UPDATE CASCADE)
        Snapshot after = before.withWorkflow(pending).mapAssignments(a -> a.workflowKey().equals(oldKey)
                ? new Snapshot.AssignmentRow(a.customerAccountId(), a.from(), key, a.createdAt(), a.createdBy()) : a);
        validate(before, after);
        Snapshot.WorkflowRow saved = canonical(after, pending);
        db.updateWorkflow(msp, saved);
        recordChange(actor, "workflow.update", saved.id().toString(), Map.of("key", key, "was", oldKey,
                "rules", saved.ruleKeys()));
        return workflow(actor, saved, after.withWorkflow(saved));
    }

    /** Deletes a workflow; one still assigned to a customer is IN_USE (409), naming the customers. */
    public void deleteWorkflow(Actor actor, UUID id) {
        UUID msp = editor(actor);
        tx.executeWithoutResult(status -> {
            db.lock(msp);
            Snapshot s = snapshot(msp, currentPeriod());
            Snapshot.WorkflowRow workflow = findWorkflow(visible(actor, s.workflows()), id);
            List<String> assigned = assignedTo(workflow.key(), s);
            if (!assigned.isEmpty()) {
                throw new RebillException(ErrorCode.IN_USE, "workflow '" + workflow.key() + "' is assigned to "
                        + (seesAccounts(actor) ? "the customer account" + (assigned.size() > 1 ? "s " : " ")
                        + String.join(", ", assigned) : assigned.size() + " customer account"
                        + (assigned.size() > 1 ? "s" : "")) + "; assign them another workflow before deleting it");
            }
            db.deleteWorkflow(msp, id);
            recordChange(actor, "workflow.delete", id.toString(), Map.of("key", workflow.key()));
        });
    }

    // ---- a customer account's billing ----

    /** How the account is billed in the period (default: the current one); needs View Managed Accounts. */
    public AccountBilling accountBilling(Actor actor, UUID account, Optional<BillingPeriod> period) {
        UUID msp = viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        Snapshot s = snapshot(msp, currentPeriod());
        return accountBilling(s, customer(s, account), period.orElse(currentPeriod()));
    }

    /**
     * The seed's "Assign a Billing Rule": the account is billed from {@code from} (default: the current period) with
     * exactly the selected rules (keys or ids), applied in the MSP's rule order. The account gets its own workflow
     * {@code account-<key>-<from>} holding them, assigned from that period; earlier periods keep what they had.
     * {@code basis} defaults to the basis of the workflow the account had. An empty selection bills at cost.
     * Needs View Managed Accounts and Create Managed Account Resources.
     */
    public AccountBilling assignRules(Actor actor, UUID account, List<String> rules, Optional<BillingPeriod> from,
                                      Optional<String> basis) {
        UUID msp = assigner(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            Account customer = customer(before, account);
            BillingPeriod start = from.orElse(currentPeriod());
            Snapshot after = withAccountRules(before, customer, rules, start, basis, actor.createdBy());
            validate(before, after);
            Snapshot.WorkflowRow own = after.workflow(accountWorkflowKey(customer, start)).orElseThrow();
            if (before.workflow(own.key()).isPresent()) {
                db.updateWorkflow(msp, own);
            } else {
                db.insertWorkflow(msp, own);
            }
            db.upsertAssignment(msp, new Snapshot.AssignmentRow(account, start, own.key(), Instant.now(clock),
                    actor.createdBy()));
            db.deleteUnassignedAccountWorkflows(msp);
            recordChange(actor, "billing_rules.assign", account.toString(), Map.of("account", customer.key(),
                    "from", start.toString(), "rules", own.ruleKeys()));
            return accountBilling(snapshot(msp, currentPeriod()), customer, start);
        });
    }

    /** Bills the account with a workflow from a period on (replacing an assignment from the same period). */
    public BillingAssignment assignWorkflow(Actor actor, UUID account, String workflow, BillingPeriod from) {
        UUID msp = assigner(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, currentPeriod());
            Account customer = customer(before, account);
            String key = requireText(workflow, "assignment", customer.key() + " from " + from, "workflow");
            if (before.workflow(key).isEmpty()) {
                throw problem("assignment", customer.key() + " from " + from, "workflow", "workflow '" + key
                        + "' does not exist; expected the key of one of the workflows: " + before.workflows().stream()
                        .map(Snapshot.WorkflowRow::key).collect(Collectors.joining(", ")));
            }
            Optional<UUID> owner = before.workflow(key).orElseThrow().customerAccountId();
            if (owner.isPresent() && !owner.get().equals(account)) {
                throw problem("assignment", customer.key() + " from " + from, "workflow", "workflow '" + key
                        + "' is another account's own selection of rules; create a shared workflow under workflows"
                        + " with these rules and assign that");
            }
            Snapshot.AssignmentRow row = new Snapshot.AssignmentRow(account, from, key, Instant.now(clock),
                    actor.createdBy());
            validate(before, before.withAssignment(row));
            db.upsertAssignment(msp, row);
            db.deleteUnassignedAccountWorkflows(msp);
            recordChange(actor, "billing_assignment.set", account.toString(), Map.of("account", customer.key(),
                    "workflow", key, "from", from.toString()));
            return assignment(row, customer);
        });
    }

    public List<BillingAssignment> assignments(Actor actor, UUID account) {
        UUID msp = viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        Snapshot s = snapshot(msp, currentPeriod());
        Account customer = customer(s, account);
        return s.assignments().stream().filter(a -> a.customerAccountId().equals(account))
                .map(a -> assignment(a, customer)).toList();
    }

    public void unassign(Actor actor, UUID account, BillingPeriod from) {
        UUID msp = assigner(actor);
        tx.executeWithoutResult(status -> {
            db.lock(msp);
            Snapshot s = snapshot(msp, currentPeriod());
            Account customer = customer(s, account);
            if (db.deleteAssignment(msp, account, from) == 0) {
                throw new RebillException(ErrorCode.UNKNOWN_ID, "customer account '" + customer.key()
                        + "' has no workflow assignment from " + from);
            }
            db.deleteUnassignedAccountWorkflows(msp);
            recordChange(actor, "billing_assignment.delete", account.toString(), Map.of("account", customer.key(),
                    "from", from.toString()));
        });
    }

    // ---- msp.yaml ----

    /**
     * The MSP's configuration as msp.yaml: customers are its managed accounts (in claim order) with the linked
     * accounts billed to them in {@code period} (default: the current one). Needs View Management Account and View
     * Managed Accounts.
     */
    public String exportYaml(Actor actor, Optional<BillingPeriod> period) {
        UUID msp = viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        return MspConfigFile.toYaml(config(msp, period.orElse(currentPeriod())));
    }

    /** The MSP's configuration as the billing engine takes it, for a period's linked accounts. */
    public MspConfig config(UUID msp, BillingPeriod period) {
        return ConfigText.of(snapshot(msp, period)).parse();
    }

    /**
     * Replaces the MSP's rules, workflows and assignments with those of an msp.yaml, and sets its customers' match
     * predicates and claim order, in one transaction after the whole file parsed. Customers must be managed accounts
     * (by key) and list exactly the linked accounts billed to them in {@code period} (default: the current one);
     * names and contact emails stay the managed accounts' own. Needs the rights of editing rules and assigning them.
     */
    public ConfigImport importYaml(Actor actor, String yaml, Optional<BillingPeriod> period) {
        UUID msp = assigner(actor);
        actor.require(Permission.CREATE_MANAGEMENT_RESOURCES);
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        BillingPeriod checkedIn = period.orElse(currentPeriod());
        MspConfig config;
        try {
            config = MspConfigFile.parse("msp.yaml", yaml == null ? "" : yaml, ConfigText.CEL);
        } catch (InvalidMspConfigException e) {
            throw new InvalidBillingConfigException(e.problems().stream().map(MspYamlImport::fileProblem).toList());
        }
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = snapshot(msp, checkedIn);
            ConfigImport result = new MspYamlImport(db, clock).replace(before, config, checkedIn, actor.createdBy());
            recordChange(actor, "billing_config.import", msp.toString(), Map.of("rules", config.rules().size(),
                    "workflows", config.workflows().size(), "assignments", config.assignments().size(),
                    "customers", config.customers().size()));
            return result;
        });
    }

    // ---- preview ----

    /**
     * Bills a period as stored and as the change would have it, and compares (nothing is saved). The period defaults
     * to the latest one the MSP's integrations hold. Needs View Management Account and View Managed Accounts (the
     * answer shows customers' costs and margins).
     */
    public BillingPreview preview(Actor actor, ProposedChange change, Optional<BillingPeriod> period, int topLines) {
        UUID msp = viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        List<Integration> own = integrations.of(msp);
        Map<String, SourceState> sources = new HashMap<>();
        ingestion.sources().forEach(s -> sources.put(s.name(), s));
        List<SourceState> stored = own.stream().map(i -> sources.get(i.sourceName())).filter(s -> s != null).toList();
        BillingPeriod p = period.or(() -> stored.stream().flatMap(s -> s.periods().stream())
                .map(io.rebill.ingestion.StoredPeriod::period).max(Comparator.naturalOrder())).orElseThrow(
                () -> new RebillException(ErrorCode.UNKNOWN_PERIOD, "the MSP's integrations hold no billing data yet;"
                        + " ingest a billing file into an integration first"));
        List<Path> files = new ArrayList<>();
        for (SourceState s : stored) {
            if (s.period(p).isPresent()) {
                files.addAll(ingestion.lineItemFiles(s.name(), p));
            }
        }
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "no integration of the MSP holds billing period " + p
                    + "; they hold " + stored.stream().flatMap(s -> s.periods().stream())
                    .map(sp -> sp.period().toString()).distinct().sorted().toList());
        }
        Snapshot before = snapshot(msp, p);
        Snapshot after = apply(before, change, p, actor.createdBy());
        MspConfig current = ConfigText.of(before).parse();
        MspConfig proposed = ConfigText.of(after).parse();
        BillDiff diff = billing.diff(current, proposed, p, files, topLines, m -> { });
        Map<String, String> names = new HashMap<>();
        before.customers().forEach(c -> names.put(c.key(), c.name()));
        List<BillingPreview.Customer> customers = diff.customers().stream()
                .map(c -> new BillingPreview.Customer(c.customerId(), names.getOrDefault(c.customerId(), c.customerId()),
                        c.costBefore(), c.costAfter(), c.chargeBefore(), c.chargeAfter()))
                .sorted(Comparator.comparing((BillingPreview.Customer c) -> c.chargeDelta().abs()).reversed()
                        .thenComparing(BillingPreview.Customer::key))
                .toList();
        List<BillingPreview.Line> lines = diff.topLines().stream().map(l -> new BillingPreview.Line(l.lineId(),
                Optional.ofNullable(l.customerBefore()), Optional.ofNullable(l.customerAfter()), l.serviceName(),
                l.chargeType(), Optional.ofNullable(l.chargeBefore()), Optional.ofNullable(l.chargeAfter()), l.delta()))
                .toList();
        return new BillingPreview(p, customers, lines);
    }

    private Snapshot apply(Snapshot s, ProposedChange change, BillingPeriod period, String by) {
        Snapshot after = s;
        Instant now = Instant.now(clock);
        int position = s.rules().stream().mapToInt(Snapshot.RuleRow::position).max().orElse(0);
        for (Map<String, Object> fields : change.rules()) {
            ObjectNode definition = ruleInput(Json.object(fields), Optional.empty());
            String key = definition.path("id").asString();
            Optional<Snapshot.RuleRow> current = after.rule(key);
            after = after.withRule(new Snapshot.RuleRow(current.map(Snapshot.RuleRow::id).orElse(UUID.randomUUID()),
                    key, "", "", definition, current.map(Snapshot.RuleRow::position).orElse(++position), now, by, now));
        }
        for (String key : change.deleteRules()) {
            Snapshot.RuleRow rule = after.rule(key).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                    "delete_rules: there is no rule '" + key + "'"));
            after = after.withoutRule(rule.id()).mapWorkflows(w -> w.withRuleKeys(
                    w.ruleKeys().stream().filter(k -> !k.equals(key)).toList()));
        }
        for (Map<String, Object> fields : change.workflows()) {
            ObjectNode input = workflowInput(Json.object(fields), Optional.empty());
            Optional<Snapshot.WorkflowRow> current = after.workflow(input.path("id").asString());
            after = after.withWorkflow(pendingWorkflow(current.map(Snapshot.WorkflowRow::id).orElse(UUID.randomUUID()),
                    input, 0, current.flatMap(Snapshot.WorkflowRow::customerAccountId), by));
        }
        for (ProposedChange.Assignment a : change.assignments()) {
            Account customer = customerRef(after, a.customer());
            String workflow = requireText(a.workflow(), "assignment", customer.key(), "workflow");
            after = after.withAssignment(new Snapshot.AssignmentRow(customer.id(), a.from().orElse(period), workflow,
                    now, by));
        }
        for (ProposedChange.AccountRules r : change.accountRules()) {
            after = withAccountRules(after, customerRef(after, r.customer()), r.rules(), period, r.basis(), by);
        }
        return after;
    }

    // ---- shared steps ----

    private Snapshot snapshot(UUID msp, BillingPeriod period) {
        return new Snapshot(db.msp(msp), period, db.customers(msp), integrations.ownersIn(msp, period), db.rules(msp),
                db.workflows(msp), db.assignments(msp));
    }

    /**
     * Rejects the change when the configuration it leaves behind has a problem the stored one did not have (a
     * customer's broken match predicate, set elsewhere, does not block editing a rule; it is reported when billing).
     */
    private static void validate(Snapshot before, Snapshot after) {
        try {
            ConfigText.of(after).parse();
        } catch (InvalidBillingConfigException e) {
            Set<String> known = ConfigText.of(before).problems().stream().map(ConfigText::signature)
                    .collect(Collectors.toSet());
            List<BillingConfigProblem> fresh = e.problems().stream()
                    .filter(p -> !known.contains(ConfigText.signature(p))).toList();
            if (!fresh.isEmpty()) {
                throw new InvalidBillingConfigException(fresh);
            }
        }
    }

    /** The rule as msp.yaml's writer has it (kind, title and definition columns come from it). */
    private Snapshot.RuleRow canonical(Account msp, Snapshot.RuleRow row) {
        Snapshot alone = new Snapshot(msp, currentPeriod(), List.of(), Map.of(), List.of(row), List.of(), List.of());
        ObjectNode definition = Canonical.rules(ConfigText.of(alone).parse()).get(row.key());
        return new Snapshot.RuleRow(row.id(), row.key(), Canonical.kind(definition), Canonical.title(definition),
                definition, row.position(), row.createdAt(), row.createdBy(), row.updatedAt());
    }

    /** The submitted workflow as parsed (basis defaulted), against the rules it refers to. */
    private Snapshot.WorkflowRow canonical(Snapshot after, Snapshot.WorkflowRow pending) {
        Snapshot alone = new Snapshot(after.msp(), after.period(), List.of(), Map.of(), after.rules(), List.of(pending),
                List.of());
        Workflow w = ConfigText.of(alone).parse().workflows().get(0);
        return new Snapshot.WorkflowRow(pending.id(), w.id(), w.title(), MspYamlImport.basis(w.basis()), w.ruleIds(),
                pending.position(), pending.customerAccountId(), pending.createdAt(), pending.createdBy(),
                Instant.now(clock), Optional.empty());
    }

    private Snapshot.WorkflowRow pendingWorkflow(UUID id, ObjectNode input, int position, Optional<UUID> account,
                                                 String by) {
        String key = input.path("id").asString();
        return new Snapshot.WorkflowRow(id, key, input.path("title").asString(""), input.path("basis")
                .asString("effective"), List.of(), position, account, Instant.now(clock), by, Instant.now(clock),
                Optional.of(input));
    }

    private Snapshot withAccountRules(Snapshot s, Account customer, List<String> refs, BillingPeriod from,
                                      Optional<String> basis, String by) {
        Map<String, Snapshot.RuleRow> byRef = new HashMap<>();
        s.rules().forEach(r -> {
            byRef.put(r.key(), r);
            byRef.put(r.id().toString(), r);
        });
        Set<String> chosen = new LinkedHashSet<>();
        for (String ref : refs == null ? List.<String>of() : refs) {
            Snapshot.RuleRow rule = byRef.get(ref == null ? "" : ref.strip());
            if (rule == null) {
                throw problem("rule", String.valueOf(ref), "rules", "rule '" + ref + "' does not exist; expected the"
                        + " key or id of one of the MSP's billing rules");
            }
            chosen.add(rule.key());
        }
        // the MSP's rule order, whatever order they were ticked in
        List<String> ordered = s.rules().stream().map(Snapshot.RuleRow::key).filter(chosen::contains).toList();
        String key = accountWorkflowKey(customer, from);
        Optional<Snapshot.WorkflowRow> existing = s.workflow(key);
        if (existing.isPresent() && !existing.get().customerAccountId().equals(Optional.of(customer.id()))) {
            throw new RebillException(ErrorCode.DUPLICATE, "the MSP already has a workflow '" + key + "' of its own;"
                    + " rename it before assigning rules to " + customer.name() + " from " + from);
        }
        String currentBasis = workflowIn(s, customer.id(), from).map(Snapshot.WorkflowRow::basis).orElse("effective");
        String chosenBasis = basis.map(b -> b.strip().toLowerCase(Locale.ROOT)).orElse(currentBasis);
        if (!List.of("effective", "billed", "list").contains(chosenBasis)) {
            throw problem("workflow", key, "basis", "basis '" + chosenBasis + "' must be one of effective, billed, list");
        }
        Instant now = Instant.now(clock);
        Snapshot.WorkflowRow own = new Snapshot.WorkflowRow(existing.map(Snapshot.WorkflowRow::id)
                .orElse(UUID.randomUUID()), key, customer.name() + ": selected rules from " + from, chosenBasis, ordered,
                existing.map(Snapshot.WorkflowRow::position).orElse(s.workflows().stream()
                        .mapToInt(Snapshot.WorkflowRow::position).max().orElse(0) + 1),
                Optional.of(customer.id()), existing.map(Snapshot.WorkflowRow::createdAt).orElse(now), by, now,
                Optional.empty());
        return s.withWorkflow(own).withAssignment(new Snapshot.AssignmentRow(customer.id(), from, key, now, by));
    }

    /** {@code account-<key>-<YYYY-MM>}, the key shortened to fit msp.yaml's 64 characters. */
    static String accountWorkflowKey(Account customer, BillingPeriod from) {
        String prefix = "account-";
        String suffix = "-" + from;
        int room = KEY_LENGTH - prefix.length() - suffix.length();
        String key = customer.key().length() > room
                ? customer.key().substring(0, room).replaceAll("[-_]+$", "") : customer.key();
        return prefix + key + suffix;
    }

    private static Optional<Snapshot.WorkflowRow> workflowIn(Snapshot s, UUID customer, BillingPeriod period) {
        return s.assignments().stream()
                .filter(a -> a.customerAccountId().equals(customer) && a.from().compareTo(period) <= 0)
                .max(Comparator.comparing(Snapshot.AssignmentRow::from))
                .flatMap(a -> s.workflow(a.workflowKey()));
    }

    private AccountBilling accountBilling(Snapshot s, Account customer, BillingPeriod period) {
        Optional<Snapshot.WorkflowRow> workflow = workflowIn(s, customer.id(), period);
        Map<String, Snapshot.RuleRow> rules = s.rules().stream()
                .collect(Collectors.toMap(Snapshot.RuleRow::key, Function.identity()));
        List<BillingRule> applied = workflow.map(w -> w.ruleKeys().stream().map(rules::get).filter(r -> r != null)
                .map(r -> rule(r, s.workflows())).toList()).orElse(List.of());
        List<BillingAssignment> assignments = s.assignments().stream()
                .filter(a -> a.customerAccountId().equals(customer.id())).map(a -> assignment(a, customer)).toList();
        return new AccountBilling(customer.id(), customer.key(), period, workflow.map(w -> workflow(w, s)), applied,
                assignments);
    }

    /**
     * The submitted rule as msp.yaml's mapping: {@code key} becomes {@code id} (first), decimal strings numbers.
     * A missing key keeps {@code currentKey} (PUT of an existing rule) or is an error naming the field.
     */
    private static ObjectNode ruleInput(ObjectNode fields, Optional<String> currentKey) {
        return keyed(Json.withNumbers(fields), "rule", currentKey);
    }

    private static ObjectNode workflowInput(ObjectNode fields, Optional<String> currentKey) {
        return keyed(fields, "workflow", currentKey);
    }

    private static ObjectNode keyed(ObjectNode fields, String item, Optional<String> currentKey) {
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

    private static String requireText(String value, String item, String key, String field) {
        if (value == null || value.isBlank()) {
            throw problem(item, key, field, item + " '" + key + "': '" + field + "' is required");
        }
        return value.strip();
    }

    private static InvalidBillingConfigException problem(String item, String key, String field, String message) {
        return new InvalidBillingConfigException(List.of(new BillingConfigProblem(item,
                key.isEmpty() ? Optional.empty() : Optional.of(key), Optional.of(field), Optional.empty(),
                Optional.empty(), message)));
    }

    private static Account customer(Snapshot s, UUID account) {
        return s.customer(account).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no account " + account));
    }

    /** A customer named by key or id in a preview. */
    private static Account customerRef(Snapshot s, String ref) {
        String r = ref == null ? "" : ref.strip();
        return s.customers().stream().filter(c -> c.key().equals(r) || c.id().toString().equals(r)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no managed account '" + ref
                        + "' (give its key or id)"));
    }

    private static Snapshot.RuleRow findRule(List<Snapshot.RuleRow> rules, UUID id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no billing rule " + id));
    }

    private static Snapshot.WorkflowRow findWorkflow(List<Snapshot.WorkflowRow> workflows, UUID id) {
        return workflows.stream().filter(w -> w.id().equals(id)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no workflow " + id));
    }

    private static List<String> usedBy(String ruleKey, List<Snapshot.WorkflowRow> workflows) {
        return workflows.stream().filter(w -> w.ruleKeys().contains(ruleKey)).map(Snapshot.WorkflowRow::key).toList();
    }

    private static List<String> assignedTo(String workflowKey, Snapshot s) {
        return s.assignments().stream().filter(a -> a.workflowKey().equals(workflowKey))
                .map(a -> s.customer(a.customerAccountId()).map(Account::key).orElse("?")).distinct().toList();
    }

    private static BillingRule rule(Snapshot.RuleRow r, List<Snapshot.WorkflowRow> workflows) {
        boolean visible = r.kind().equals("charge") || r.kind().equals("credit");
        return new BillingRule(r.id(), r.key(), r.kind(), r.title(), Json.withDecimalStrings(withKey(r.definition())),
                visible, usedBy(r.key(), workflows), r.createdAt(), r.createdBy(), r.updatedAt());
    }

    /** The definition with its msp.yaml id shown as {@code key}, first. */
    private static ObjectNode withKey(ObjectNode definition) {
        ObjectNode result = Json.NODES.objectNode().put("key", definition.path("id").asString());
        definition.properties().stream().filter(e -> !e.getKey().equals("id"))
                .forEach(e -> result.set(e.getKey(), e.getValue()));
        return result;
    }

    /** As {@link #workflow(Snapshot.WorkflowRow, Snapshot)}, without whom it bills unless the actor may know. */
    private static BillingWorkflow workflow(Actor actor, Snapshot.WorkflowRow w, Snapshot s) {
        BillingWorkflow workflow = workflow(w, s);
        return seesAccounts(actor) ? workflow : new BillingWorkflow(workflow.id(), workflow.key(), workflow.title(),
                workflow.basis(), workflow.rules(), workflow.accountId(), List.of(), workflow.createdAt(),
                workflow.createdBy(), workflow.updatedAt());
    }

    private static BillingWorkflow workflow(Snapshot.WorkflowRow w, Snapshot s) {
        return new BillingWorkflow(w.id(), w.key(), w.title(), w.basis(), w.ruleKeys(), w.customerAccountId(),
                assignedTo(w.key(), s), w.createdAt(), w.createdBy(), w.updatedAt());
    }

    private static BillingAssignment assignment(Snapshot.AssignmentRow a, Account customer) {
        return new BillingAssignment(a.customerAccountId(), customer.key(), a.from(), a.workflowKey(), a.createdAt(),
                a.createdBy());
    }


    // ---- permissions (the seed's RBAC table; every action is the MSP's own) ----

    private static UUID viewer(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGEMENT_ACCOUNT);
        return msp;
    }

    /**
     * Whom the MSP bills how is managed-account data: staff without View Managed Accounts (Editor, Viewer) see the
     * MSP's shared workflows without {@code assigned_to}, and neither see nor change the accounts' own workflows
     * (made by "Assign a Billing Rule", named after the customer), which answer like unknown ids.
     */
    private static boolean seesAccounts(Actor actor) {
        return actor.can(Permission.VIEW_MANAGED_ACCOUNTS);
    }

    private static List<Snapshot.WorkflowRow> visible(Actor actor, List<Snapshot.WorkflowRow> workflows) {
        return seesAccounts(actor) ? workflows
                : workflows.stream().filter(w -> w.customerAccountId().isEmpty()).toList();
    }

    private static UUID editor(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.CREATE_MANAGEMENT_RESOURCES);
        return msp;
    }

    private static UUID assigner(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        actor.require(Permission.CREATE_MANAGED_ACCOUNT_RESOURCES);
        return msp;
    }
}
