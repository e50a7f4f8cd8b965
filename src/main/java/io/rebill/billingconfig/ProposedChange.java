package io.rebill.billingconfig;

import io.rebill.shared.time.BillingPeriod;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A change to preview without saving it. Rules and workflows are given as for creating them (msp.yaml mappings with
 * {@code key}); one with the key of a stored one replaces it. Assignments and account rule selections without
 * {@code from} apply from the previewed period.
 *
 * @param rules        new or edited rules
 * @param deleteRules  keys of rules to remove (from the workflows that list them, too)
 * @param workflows    new or edited workflows
 * @param assignments  customers (key or id) put on a workflow
 * @param accountRules customers (key or id) given a selection of rules, as {@code PUT .../billing_rules} would
 */
public record ProposedChange(List<Map<String, Object>> rules, List<String> deleteRules,
                             List<Map<String, Object>> workflows, List<Assignment> assignments,
                             List<AccountRules> accountRules) {
    public ProposedChange {
        rules = rules == null ? List.of() : List.copyOf(rules);
        deleteRules = deleteRules == null ? List.of() : List.copyOf(deleteRules);
        workflows = workflows == null ? List.of() : List.copyOf(workflows);
        assignments = assignments == null ? List.of() : List.copyOf(assignments);
        accountRules = accountRules == null ? List.of() : List.copyOf(accountRules);
    }

    public record Assignment(String customer, String workflow, Optional<BillingPeriod> from) {
        public Assignment {
            Objects.requireNonNull(from, "from");
        }
    }

    public record AccountRules(String customer, List<String> rules, Optional<String> basis) {
        public AccountRules {
            rules = rules == null ? List.of() : List.copyOf(rules);
            Objects.requireNonNull(basis, "basis");
        }
    }
}
