package io.rebill.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One customer's bill for one period: cost before rules on the workflow's basis, charge after them, the invoice
 * lines the customer sees, and the MSP's margin. Totals are derived from the lines, never stored beside them.
 */
public record CustomerBill(String customerId, String name, Optional<String> workflowId, String currency,
                           BigDecimal cost, BigDecimal charge, long lineCount, List<InvoiceLine> invoice) {
    public CustomerBill {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(currency, "currency");
        invoice = List.copyOf(invoice);
    }

    public BigDecimal margin() {
        return charge.subtract(cost);
    }

    /** margin / cost x 100 to 10 places; empty when cost is 0. */
    public Optional<BigDecimal> marginPercent() {
        return cost.signum() == 0 ? Optional.empty()
                : Optional.of(margin().multiply(BigDecimal.valueOf(100)).divide(cost, 10, RoundingMode.HALF_UP));
    }

    /** The sum of the rounded invoice lines. */
    public BigDecimal invoiceTotal() {
        return invoice.stream().map(InvoiceLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
