package io.rebill.billingconfig;

import io.rebill.shared.time.BillingPeriod;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * How a customer account is billed in {@code period}: the workflow in effect (none: its lines are not billed) and
 * its rules in order, plus all of the account's assignments over time.
 */
public record AccountBilling(UUID accountId, String accountKey, BillingPeriod period, Optional<BillingWorkflow> workflow,
                             List<BillingRule> rules, List<BillingAssignment> assignments) {
    public AccountBilling {
        rules = List.copyOf(rules);
        assignments = List.copyOf(assignments);
    }
}
