package io.rebill.invoicing;

import io.rebill.shared.time.BillingPeriod;

import java.util.Optional;
import java.util.UUID;

/** What the invoice list is narrowed to; empty = any. {@code customerName}: the customer's name contains it. */
public record InvoiceFilter(Optional<BillingPeriod> period, Optional<InvoiceStatus> status, Optional<UUID> customer,
                            Optional<String> customerName) {
    public InvoiceFilter(Optional<BillingPeriod> period, Optional<InvoiceStatus> status, Optional<UUID> customer) {
        this(period, status, customer, Optional.empty());
    }

    public static InvoiceFilter all() {
        return new InvoiceFilter(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
