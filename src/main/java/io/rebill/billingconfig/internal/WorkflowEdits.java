package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingWorkflow;
import io.rebill.identity.Actor;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The MSP's workflows (ordered rule keys on a cost basis): list, read, create, replace, patch and delete. */
public final class WorkflowEdits {
    private final StoreContext ctx;
    private final StoreDb db;
    private final TransactionTemplate tx;
    private final Clock clock;

    public WorkflowEdits(StoreContext ctx) {
        this.ctx = ctx;
        this.db = ctx.db;
        this.tx = ctx.tx;
        this.clock = ctx.clock;
    }

    /**
     * A page of workflows with whom each bills, read from the page's rows and their assignments only: building the
     * whole configuration's snapshot (every customer, rule and linked account) for it was most of the list's CPU
     * (issue 14 item 11). Nothing is kept between requests, so a change shows at the next one.
     */
    public Page<BillingWorkflow> workflows(Actor actor, PageRequest page) {
        UUID msp = Access.viewer(actor);
        boolean withAccounts = Access.seesAccounts(actor);
        List<Snapshot.WorkflowRow> rows = db.workflows(msp, withAccounts, page.offset(), page.limit());
        Map<String, List<String>> assigned = withAccounts
                ? db.assignedCustomers(msp, rows.stream().map(Snapshot.WorkflowRow::key).toList()) : Map.of();
        List<BillingWorkflow> items = rows.stream()
                .map(w -> Views.workflow(actor, w, assigned.getOrDefault(w.key(), List.of()))).toList();
        return new Page<>(items, page.offset(), page.limit(), db.countWorkflows(msp, withAccounts));
    }

    public BillingWorkflow workflow(Actor actor, UUID id) {
        UUID msp = Access.viewer(actor);
        boolean withAccounts = Access.seesAccounts(actor);
        Snapshot.WorkflowRow w = db.workflow(msp, id, withAccounts)
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no workflow " + id));
        List<String> assigned = withAccounts
                ? db.assignedCustomers(msp, List.of(w.key())).getOrDefault(w.key(), List.of()) : List.of();
        return Views.workflow(actor, w, assigned);
    }

    /** Creates a workflow: {@code key}, {@code title}, {@code basis} (default effective), {@code rules} (keys, in order). */
    public BillingWorkflow createWorkflow(Actor actor, Map<String, ?> fields) {
        UUID msp = Access.editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            ObjectNode input = Inputs.workflowInput(Json.object(fields), Optional.empty());
            String key = input.path("id").asString();
            if (before.workflow(key).isPresent()) {
                throw new RebillException(ErrorCode.DUPLICATE, "workflow '" + key + "' already exists; choose another"
                        + " key or edit that workflow");
            }
            Snapshot.WorkflowRow pending = ctx.pendingWorkflow(UUID.randomUUID(), input, db.nextWorkflowPosition(msp),
                    Optional.empty(), actor.createdBy());
            Snapshot after = before.withWorkflow(pending);
            ctx.validate(before, after);
            Snapshot.WorkflowRow saved = ctx.canonical(after, pending);
            db.insertWorkflow(msp, saved);
            ctx.recordChange(actor, "workflow.create", saved.id().toString(), Map.of("key", key, "rules", saved.ruleKeys()));
            return Views.workflow(actor, saved, after.withWorkflow(saved));
        });
    }

    public BillingWorkflow replaceWorkflow(Actor actor, UUID id, Map<String, ?> fields) {
        UUID msp = Access.editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            Snapshot.WorkflowRow current = Inputs.findWorkflow(Access.visible(actor, before.workflows()), id);
            return saveWorkflow(actor, before, current, Inputs.workflowInput(Json.object(fields), Optional.of(current.key())));
        });
    }

    /** Changes some fields (RFC 7396 merge): {@code {"rules": [...]}} reorders or changes the rules only. */
    public BillingWorkflow patchWorkflow(Actor actor, UUID id, Map<String, ?> patch) {
        UUID msp = Access.editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            Snapshot.WorkflowRow current = Inputs.findWorkflow(Access.visible(actor, before.workflows()), id);
            ObjectNode merged = Json.NODES.objectNode().put("key", current.key()).put("title", current.title())
                    .put("basis", current.basis());
            current.ruleKeys().forEach(merged.putArray("rules")::add);
            Json.mergePatch(merged, patch);
            return saveWorkflow(actor, before, current, Inputs.workflowInput(merged, Optional.of(current.key())));
        });
    }

    private BillingWorkflow saveWorkflow(Actor actor, Snapshot before, Snapshot.WorkflowRow current, ObjectNode input) {
        UUID msp = before.msp().id();
        String key = input.path("id").asString();
        if (!key.equals(current.key()) && before.workflow(key).isPresent()) {
            throw new RebillException(ErrorCode.DUPLICATE, "workflow '" + key + "' already exists; choose another key");
        }
        Snapshot.WorkflowRow pending = ctx.pendingWorkflow(current.id(), input, current.position(),
                current.customerAccountId(), current.createdBy());
        String oldKey = current.key();
        // assignments follow a renamed workflow (in the database: ON UPDATE CASCADE)
        Snapshot after = before.withWorkflow(pending).mapAssignments(a -> a.workflowKey().equals(oldKey)
                ? new Snapshot.AssignmentRow(a.customerAccountId(), a.from(), key, a.createdAt(), a.createdBy()) : a);
        ctx.validate(before, after);
        Snapshot.WorkflowRow saved = ctx.canonical(after, pending);
        db.updateWorkflow(msp, saved);
        ctx.recordChange(actor, "workflow.update", saved.id().toString(), Map.of("key", key, "was", oldKey,
                "rules", saved.ruleKeys()));
        return Views.workflow(actor, saved, after.withWorkflow(saved));
    }

    /** Deletes a workflow; one still assigned to a customer is IN_USE (409), naming the customers. */
    public void deleteWorkflow(Actor actor, UUID id) {
        UUID msp = Access.editor(actor);
        tx.executeWithoutResult(status -> {
            db.lock(msp);
            Snapshot s = ctx.snapshot(msp, ctx.currentPeriod());
            Snapshot.WorkflowRow workflow = Inputs.findWorkflow(Access.visible(actor, s.workflows()), id);
            List<String> assigned = Views.assignedTo(workflow.key(), s);
            if (!assigned.isEmpty()) {
                throw new RebillException(ErrorCode.IN_USE, "workflow '" + workflow.key() + "' is assigned to "
                        + (Access.seesAccounts(actor) ? "the customer account" + (assigned.size() > 1 ? "s " : " ")
                        + String.join(", ", assigned) : assigned.size() + " customer account"
                        + (assigned.size() > 1 ? "s" : "")) + "; assign them another workflow before deleting it");
            }
            db.deleteWorkflow(msp, id);
            ctx.recordChange(actor, "workflow.delete", id.toString(), Map.of("key", workflow.key()));
        });
    }
}
