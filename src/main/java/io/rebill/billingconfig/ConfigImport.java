package io.rebill.billingconfig;

import io.rebill.shared.time.BillingPeriod;

import java.util.List;

/**
 * What an import of msp.yaml did: how many rules, workflows and assignments the MSP has now, the period whose
 * linked-account assignments the customers' accounts were checked against, and what the file said that was not
 * applied (names and contact emails belong to the managed accounts).
 */
public record ConfigImport(int rules, int workflows, int assignments, int customers, BillingPeriod checkedIn,
                           List<String> warnings) {
    public ConfigImport {
        warnings = List.copyOf(warnings);
    }
}
