package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingAssignment;
import io.rebill.billingconfig.BillingRule;
import io.rebill.billingconfig.BillingWorkflow;
import io.rebill.identity.Actor;
import io.rebill.tenancy.Account;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/** Stored rows as the facade's records: a rule with the workflows that use it, a workflow with whom it bills. */
final class Views {
    private Views() {
    }

    static List<String> usedBy(String ruleKey, List<Snapshot.WorkflowRow> workflows) {
        return workflows.stream().filter(w -> w.ruleKeys().contains(ruleKey)).map(Snapshot.WorkflowRow::key).toList();
    }

    static List<String> assignedTo(String workflowKey, Snapshot s) {
        return s.assignments().stream().filter(a -> a.workflowKey().equals(workflowKey))
                .map(a -> s.customer(a.customerAccountId()).map(Account::key).orElse("?")).distinct().toList();
    }

    static BillingRule rule(Snapshot.RuleRow r, List<Snapshot.WorkflowRow> workflows) {
        boolean visible = r.kind().equals("charge") || r.kind().equals("credit");
        return new BillingRule(r.id(), r.key(), r.kind(), r.title(), Json.withDecimalStrings(withKey(r.definition())),
                visible, usedBy(r.key(), workflows), r.createdAt(), r.createdBy(), r.updatedAt());
    }

    /** The definition with its msp.yaml id shown as {@code key}, first. */
    static ObjectNode withKey(ObjectNode definition) {
        ObjectNode result = Json.NODES.objectNode().put("key", definition.path("id").asString());
        definition.properties().stream().filter(e -> !e.getKey().equals("id"))
                .forEach(e -> result.set(e.getKey(), e.getValue()));
        return result;
    }

    /** As {@link #workflow(Snapshot.WorkflowRow, Snapshot)}, without whom it bills unless the actor may know. */
    static BillingWorkflow workflow(Actor actor, Snapshot.WorkflowRow w, Snapshot s) {
        return workflow(actor, w, assignedTo(w.key(), s));
    }

    /** As {@link #workflow(Actor, Snapshot.WorkflowRow, Snapshot)}, with whom it bills already read. */
    static BillingWorkflow workflow(Actor actor, Snapshot.WorkflowRow w, List<String> assignedTo) {
        return workflow(w, Access.seesAccounts(actor) ? assignedTo : List.of());
    }

    static BillingWorkflow workflow(Snapshot.WorkflowRow w, Snapshot s) {
        return workflow(w, assignedTo(w.key(), s));
    }

    private static BillingWorkflow workflow(Snapshot.WorkflowRow w, List<String> assignedTo) {
        return new BillingWorkflow(w.id(), w.key(), w.title(), w.basis(), w.ruleKeys(), w.customerAccountId(),
                assignedTo, w.createdAt(), w.createdBy(), w.updatedAt());
    }

    static BillingAssignment assignment(Snapshot.AssignmentRow a, Account customer) {
        return new BillingAssignment(a.customerAccountId(), customer.key(), a.from(), a.workflowKey(), a.createdAt(),
                a.createdBy());
    }
}
