package io.rebill.rules;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/** Everything a billing run produced for one period. */
public record BillResult(BillingPeriod period, List<CustomerBill> customers, List<Unassigned> unassigned,
                         List<Reconciliation> reconciliation, List<ClaimedTwice> claimedTwice, long lines,
                         Duration took, List<String> warnings) {
    public BillResult {
        customers = List.copyOf(customers);
        unassigned = List.copyOf(unassigned);
        reconciliation = List.copyOf(reconciliation);
        claimedTwice = List.copyOf(claimedTwice);
        warnings = List.copyOf(warnings);
    }

    public boolean reconciles() {
        return reconciliation.stream().allMatch(Reconciliation::holds);
    }

    /** Lines no customer claims, per billing and usage account: reported to the MSP, never dropped (spec §2). */
    public record Unassigned(String billingAccountId, String subAccountId, long lineCount, BigDecimal billed,
                             BigDecimal effective, BigDecimal list) {
    }

    /** Spec §4: customers' cost + unassigned cost = the ingested total, per billing account and basis. */
    public record Reconciliation(String billingAccountId, String basis, BigDecimal customers, BigDecimal unassigned,
                                 BigDecimal ingested) {
        public BigDecimal difference() {
            return customers.add(unassigned).subtract(ingested);
        }

        public boolean holds() {
            return difference().signum() == 0;
        }
    }

    /** A sub-account whose lines more than one customer claims; the first customer in configuration order bills them. */
    public record ClaimedTwice(String subAccountId, List<String> customers, long lineCount) {
        public ClaimedTwice {
            customers = List.copyOf(customers);
        }
    }
}
