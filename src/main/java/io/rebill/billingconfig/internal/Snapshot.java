package io.rebill.billingconfig.internal;

import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One MSP's billing configuration as stored (or as a change would leave it): its customers with the linked accounts
 * billed to them in {@code period}, rules, workflows and assignments, each list in the MSP's order. Immutable; a
 * change makes a new snapshot, which is validated as a whole before anything is written.
 */
record Snapshot(Account msp, BillingPeriod period, List<Account> customers, Map<String, UUID> owners,
                List<RuleRow> rules, List<WorkflowRow> workflows, List<AssignmentRow> assignments) {
    Snapshot {
        Objects.requireNonNull(msp, "msp");
        customers = List.copyOf(customers);
        owners = Map.copyOf(owners);
        rules = List.copyOf(rules);
        workflows = List.copyOf(workflows);
        assignments = List.copyOf(assignments);
    }

    /** A stored rule: {@code definition} is its mapping in msp.yaml, {@code id} included (= key). */
    record RuleRow(UUID id, String key, String kind, String title, ObjectNode definition, int position,
                   Instant createdAt, String createdBy, Instant updatedAt) {
    }

    /**
     * A stored workflow. {@code pending} is a workflow as submitted, not yet validated: it is what the parser reads
     * (so an unknown field or a list that is not a list is reported like in msp.yaml) until it is saved.
     */
    record WorkflowRow(UUID id, String key, String title, String basis, List<String> ruleKeys, int position,
                       Optional<UUID> customerAccountId, Instant createdAt, String createdBy, Instant updatedAt,
                       Optional<ObjectNode> pending) {
        WorkflowRow {
            ruleKeys = List.copyOf(ruleKeys);
            Objects.requireNonNull(pending, "pending");
        }

        WorkflowRow withRuleKeys(List<String> keys) {
            return new WorkflowRow(id, key, title, basis, keys, position, customerAccountId, createdAt, createdBy,
                    updatedAt, pending);
        }
    }

    record AssignmentRow(UUID customerAccountId, BillingPeriod from, String workflowKey, Instant createdAt,
                         String createdBy) {
    }

    Optional<RuleRow> rule(String key) {
        return rules.stream().filter(r -> r.key().equals(key)).findFirst();
    }

    Optional<WorkflowRow> workflow(String key) {
        return workflows.stream().filter(w -> w.key().equals(key)).findFirst();
    }

    Optional<Account> customer(UUID id) {
        return customers.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The linked accounts billed to the customer in the snapshot's period. */
    List<String> accountsOf(UUID customer) {
        return owners.entrySet().stream().filter(e -> e.getValue().equals(customer)).map(Map.Entry::getKey).sorted()
                .toList();
    }

    /** Replaces the rule with the same id, or adds it at the end. */
    Snapshot withRule(RuleRow rule) {
        return new Snapshot(msp, period, customers, owners, replaceOrAdd(rules, rule, r -> r.id().equals(rule.id())),
                workflows, assignments);
    }

    Snapshot withoutRule(UUID id) {
        return new Snapshot(msp, period, customers, owners, rules.stream().filter(r -> !r.id().equals(id)).toList(),
                workflows, assignments);
    }

    Snapshot withWorkflow(WorkflowRow workflow) {
        return new Snapshot(msp, period, customers, owners, rules,
                replaceOrAdd(workflows, workflow, w -> w.id().equals(workflow.id())), assignments);
    }

    Snapshot mapWorkflows(UnaryOperator<WorkflowRow> change) {
        return new Snapshot(msp, period, customers, owners, rules, workflows.stream().map(change).toList(),
                assignments);
    }

    Snapshot mapAssignments(UnaryOperator<AssignmentRow> change) {
        return new Snapshot(msp, period, customers, owners, rules, workflows,
                assignments.stream().map(change).toList());
    }

    /** Sets the customer's workflow from a period on (replacing an assignment from the same period). */
    Snapshot withAssignment(AssignmentRow assignment) {
        return new Snapshot(msp, period, customers, owners, rules, workflows, replaceOrAdd(assignments, assignment,
                a -> a.customerAccountId().equals(assignment.customerAccountId()) && a.from().equals(assignment.from())));
    }

    private static <T> List<T> replaceOrAdd(List<T> list, T item, Predicate<T> same) {
        List<T> result = new ArrayList<>();
        boolean replaced = false;
        for (T t : list) {
            if (same.test(t)) {
                result.add(item);
                replaced = true;
            } else {
                result.add(t);
            }
        }
        if (!replaced) {
            result.add(item);
        }
        return result;
    }
}
