package io.rebill.invoicing;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The MSP's view of one period (never a customer's): the latest run and the latest successful one, each customer's
 * cost, charge and margin from that run with its invoice, the accounts nobody claims, reconciliation, and whether
 * the period is closed. Totals are derived from the rows.
 */
public record BillingOverview(BillingPeriod period, String currency, Optional<BillRun> latestRun,
                              Optional<BillRun> billedBy, List<CustomerRow> customers, List<Unassigned> unassigned,
                              List<Reconciliation> reconciliation, Optional<Closed> closed) {
    public BillingOverview {
        customers = List.copyOf(customers);
        unassigned = List.copyOf(unassigned);
        reconciliation = List.copyOf(reconciliation);
    }

    public record CustomerRow(String key, Optional<UUID> accountId, String name, BigDecimal cost, BigDecimal charge,
                              long lineCount, Optional<InvoiceRef> invoice) {
        public BigDecimal margin() {
            return charge.subtract(cost);
        }

        /** margin / cost x 100, to 2 places for display; empty when the cost is 0. */
        public Optional<BigDecimal> marginPercent() {
            return cost.signum() == 0 ? Optional.empty()
                    : Optional.of(margin().multiply(BigDecimal.valueOf(100)).divide(cost, 2, RoundingMode.HALF_UP));
        }
    }

    /** The customer's current invoice of the period: its draft, else the issued one, else the latest void. */
    public record InvoiceRef(UUID id, InvoiceStatus status, Optional<String> number, BigDecimal total) {
    }

    public record Unassigned(String billingAccountId, String subAccountId, long lineCount, BigDecimal cost) {
    }

    public record Reconciliation(String billingAccountId, String basis, BigDecimal customers, BigDecimal unassigned,
                                 BigDecimal ingested, boolean holds) {
    }

    public record Closed(Instant at, String by) {
    }

    public BigDecimal totalCost() {
        return customers.stream().map(CustomerRow::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public BigDecimal totalCharge() {
        return customers.stream().map(CustomerRow::charge).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public BigDecimal totalMargin() {
        return totalCharge().subtract(totalCost());
    }

    public BigDecimal unassignedCost() {
        return unassigned.stream().map(Unassigned::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public boolean reconciles() {
        return reconciliation.stream().allMatch(Reconciliation::holds);
    }
}
