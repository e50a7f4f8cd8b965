package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.AccountBilling;
import io.rebill.billingconfig.BillingAssignment;
import io.rebill.billingconfig.BillingRule;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.rules.Billing;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
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
 * Which workflow bills a customer account from which period: the seed's "Assign a Billing Rule" (the account's own
 * workflow of selected rules), assigning a shared workflow, and how an account is billed in a period.
 */
public final class Assignments {
    private final StoreContext ctx;
    private final StoreDb db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private static final int KEY_LENGTH = 64;

    public Assignments(StoreContext ctx) {
        this.ctx = ctx;
        this.db = ctx.db;
        this.tx = ctx.tx;
        this.clock = ctx.clock;
    }

    /** How the account is billed in the period (default: the current one); needs View Managed Accounts. */
    public AccountBilling accountBilling(Actor actor, UUID account, Optional<BillingPeriod> period) {
        UUID msp = Access.viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        Snapshot s = ctx.snapshot(msp, ctx.currentPeriod());
        return accountBilling(s, Inputs.customer(s, account), period.orElse(ctx.currentPeriod()));
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
        UUID msp = Access.assigner(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            Account customer = Inputs.customer(before, account);
            BillingPeriod start = from.orElse(ctx.currentPeriod());
            Snapshot after = withAccountRules(before, customer, rules, start, basis, actor.createdBy());
            ctx.validate(before, after);
            Snapshot.WorkflowRow own = after.workflow(accountWorkflowKey(customer, start)).orElseThrow();
            if (before.workflow(own.key()).isPresent()) {
                db.updateWorkflow(msp, own);
            } else {
                db.insertWorkflow(msp, own);
            }
            db.upsertAssignment(msp, new Snapshot.AssignmentRow(account, start, own.key(), Instant.now(clock),
                    actor.createdBy()));
            db.deleteUnassignedAccountWorkflows(msp);
            ctx.recordChange(actor, "billing_rules.assign", account.toString(), Map.of("account", customer.key(),
                    "from", start.toString(), "rules", own.ruleKeys()));
            return accountBilling(ctx.snapshot(msp, ctx.currentPeriod()), customer, start);
        });
    }

    /** Bills the account with a workflow from a period on (replacing an assignment from the same period). */
    public BillingAssignment assignWorkflow(Actor actor, UUID account, String workflow, BillingPeriod from) {
        UUID msp = Access.assigner(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            Account customer = Inputs.customer(before, account);
            String key = Inputs.requireText(workflow, "assignment", customer.key() + " from " + from, "workflow");
            if (before.workflow(key).isEmpty()) {
                throw Inputs.problem("assignment", customer.key() + " from " + from, "workflow", "workflow '" + key
                        + "' does not exist; expected the key of one of the workflows: " + before.workflows().stream()
                        .map(Snapshot.WorkflowRow::key).collect(Collectors.joining(", ")));
            }
            Optional<UUID> owner = before.workflow(key).orElseThrow().customerAccountId();
            if (owner.isPresent() && !owner.get().equals(account)) {
                throw Inputs.problem("assignment", customer.key() + " from " + from, "workflow", "workflow '" + key
                        + "' is another account's own selection of rules; create a shared workflow under workflows"
                        + " with these rules and assign that");
            }
            Snapshot.AssignmentRow row = new Snapshot.AssignmentRow(account, from, key, Instant.now(clock),
                    actor.createdBy());
            ctx.validate(before, before.withAssignment(row));
            db.upsertAssignment(msp, row);
            db.deleteUnassignedAccountWorkflows(msp);
            ctx.recordChange(actor, "billing_assignment.set", account.toString(), Map.of("account", customer.key(),
                    "workflow", key, "from", from.toString()));
            return Views.assignment(row, customer);
        });
    }

    public List<BillingAssignment> assignments(Actor actor, UUID account) {
        UUID msp = Access.viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        Snapshot s = ctx.snapshot(msp, ctx.currentPeriod());
        Account customer = Inputs.customer(s, account);
        return s.assignments().stream().filter(a -> a.customerAccountId().equals(account))
                .map(a -> Views.assignment(a, customer)).toList();
    }

    public void unassign(Actor actor, UUID account, BillingPeriod from) {
        UUID msp = Access.assigner(actor);
        tx.executeWithoutResult(status -> {
            db.lock(msp);
            Snapshot s = ctx.snapshot(msp, ctx.currentPeriod());
            Account customer = Inputs.customer(s, account);
            if (db.deleteAssignment(msp, account, from) == 0) {
                throw new RebillException(ErrorCode.UNKNOWN_ID, "customer account '" + customer.key()
                        + "' has no workflow assignment from " + from);
            }
            db.deleteUnassignedAccountWorkflows(msp);
            ctx.recordChange(actor, "billing_assignment.delete", account.toString(), Map.of("account", customer.key(),
                    "from", from.toString()));
        });
    }

    Snapshot withAccountRules(Snapshot s, Account customer, List<String> refs, BillingPeriod from,
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
                throw Inputs.problem("rule", String.valueOf(ref), "rules", "rule '" + ref + "' does not exist; expected the"
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
            throw Inputs.problem("workflow", key, "basis", "basis '" + chosenBasis + "' must be one of effective, billed, list");
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
                .map(r -> Views.rule(r, s.workflows())).toList()).orElse(List.of());
        List<BillingAssignment> assignments = s.assignments().stream()
                .filter(a -> a.customerAccountId().equals(customer.id())).map(a -> Views.assignment(a, customer)).toList();
        return new AccountBilling(customer.id(), customer.key(), period, workflow.map(w -> Views.workflow(w, s)), applied,
                assignments);
    }
}
