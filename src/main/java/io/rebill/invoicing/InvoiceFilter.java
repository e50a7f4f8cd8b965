package io.rebill.invoicing;

import io.rebill.shared.time.BillingPeriod;

import java.util.Optional;
import java.util.UUID;

/** What the invoice list is narrowed to; empty = any. */
public record InvoiceFilter(Optional<BillingPeriod> period, Optional<InvoiceStatus> status, Optional<UUID> customer) {
    public static InvoiceFilter all() {
        return new InvoiceFilter(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
