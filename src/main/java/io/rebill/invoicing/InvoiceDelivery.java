package io.rebill.invoicing;

import java.time.Instant;
import java.util.Optional;

/** One attempt to email an invoice: to whom, when, by whom, and the error when it was not delivered. */
public record InvoiceDelivery(String recipient, Instant sentAt, String sentBy, Optional<String> error) {
}
