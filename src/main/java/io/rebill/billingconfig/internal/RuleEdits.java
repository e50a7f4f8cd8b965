package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingRule;
import io.rebill.identity.Actor;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.tenancy.Account;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The MSP's billing rules: list, read, create, replace, patch and delete, each change in one transaction with its audit entry. */
public final class RuleEdits {
    private final StoreContext ctx;
    private final StoreDb db;
    private final TransactionTemplate tx;
    private final Clock clock;

    public RuleEdits(StoreContext ctx) {
        this.ctx = ctx;
        this.db = ctx.db;
        this.tx = ctx.tx;
        this.clock = ctx.clock;
    }

    /** Needs View Management Account. */
    public Page<BillingRule> rules(Actor actor, PageRequest page) {
        UUID msp = Access.viewer(actor);
        List<Snapshot.WorkflowRow> workflows = Access.visible(actor, db.workflows(msp));
        List<BillingRule> items = db.rules(msp, page.offset(), page.limit()).stream()
                .map(r -> Views.rule(r, workflows)).toList();
        return new Page<>(items, page.offset(), page.limit(), db.countRules(msp));
    }

    public BillingRule rule(Actor actor, UUID id) {
        UUID msp = Access.viewer(actor);
        return Views.rule(Inputs.findRule(db.rules(msp), id), Access.visible(actor, db.workflows(msp)));
    }

    /** Creates a rule (Create Management Resources); a key already used is DUPLICATE. */
    public BillingRule createRule(Actor actor, Map<String, ?> fields) {
        UUID msp = Access.editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            ObjectNode definition = Inputs.ruleInput(Json.object(fields), Optional.empty());
            String key = definition.path("id").asString();
            if (before.rule(key).isPresent()) {
                throw new RebillException(ErrorCode.DUPLICATE, "rule '" + key + "' already exists; choose another key"
                        + " or edit that rule");
            }
            Snapshot.RuleRow row = new Snapshot.RuleRow(UUID.randomUUID(), key, "", "", definition,
                    db.nextRulePosition(msp), Instant.now(clock), actor.createdBy(), Instant.now(clock));
            ctx.validate(before, before.withRule(row));
            Snapshot.RuleRow saved = ctx.canonical(before.msp(), row);
            db.insertRule(msp, saved);
            ctx.recordChange(actor, "billing_rule.create", saved.id().toString(), Map.of("key", key, "kind", saved.kind()));
            return Views.rule(saved, Access.visible(actor, before.workflows()));
        });
    }

    /**
     * Replaces a rule's definition (PUT). A new key is carried into the workflows that list the rule; a key left out
     * keeps the current one.
     */
    public BillingRule replaceRule(Actor actor, UUID id, Map<String, ?> fields) {
        UUID msp = Access.editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            Snapshot.RuleRow current = Inputs.findRule(before.rules(), id);
            return saveRule(actor, before, current, Inputs.ruleInput(Json.object(fields), Optional.of(current.key())));
        });
    }

    /**
     * Changes some fields of a rule (PATCH, RFC 7396 merge): a field given replaces the stored one, a field given as
     * null removes it.
     */
    public BillingRule patchRule(Actor actor, UUID id, Map<String, ?> patch) {
        UUID msp = Access.editor(actor);
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, ctx.currentPeriod());
            Snapshot.RuleRow current = Inputs.findRule(before.rules(), id);
            ObjectNode merged = Json.object(Json.withDecimalStrings(Views.withKey(current.definition())));
            Json.mergePatch(merged, patch);
            return saveRule(actor, before, current, Inputs.ruleInput(merged, Optional.of(current.key())));
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
        ctx.validate(before, after);
        Snapshot.RuleRow saved = ctx.canonical(before.msp(), row);
        db.updateRule(msp, saved);
        if (renamed) {
            for (Snapshot.WorkflowRow w : after.workflows()) {
                if (w.ruleKeys().contains(key)) {
                    db.updateWorkflow(msp, w);
                }
            }
        }
        ctx.recordChange(actor, "billing_rule.update", saved.id().toString(), Map.of("key", key, "kind", saved.kind(),
                "was", current.key()));
        return Views.rule(saved, Access.visible(actor, after.workflows()));
    }

    /** Deletes a rule; one that a workflow still lists is IN_USE (409), naming the workflows. */
    public void deleteRule(Actor actor, UUID id) {
        UUID msp = Access.editor(actor);
        tx.executeWithoutResult(status -> {
            db.lock(msp);
            Snapshot.RuleRow rule = Inputs.findRule(db.rules(msp), id);
            List<Snapshot.WorkflowRow> workflows = db.workflows(msp);
            List<String> usedBy = Views.usedBy(rule.key(), workflows);
            if (!usedBy.isEmpty()) {
                List<String> named = Views.usedBy(rule.key(), Access.visible(actor, workflows));
                String others = named.size() == usedBy.size() ? "" : (named.isEmpty() ? "" : " and ")
                        + "managed accounts' own selections of rules";
                throw new RebillException(ErrorCode.IN_USE, "rule '" + rule.key() + "' is used by "
                        + (named.isEmpty() ? "" : "the workflow" + (named.size() > 1 ? "s " : " ")
                        + String.join(", ", named)) + others + "; remove it from them before deleting it");
            }
            db.deleteRule(msp, id);
            ctx.recordChange(actor, "billing_rule.delete", id.toString(), Map.of("key", rule.key()));
        });
    }
}
