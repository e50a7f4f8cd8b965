package io.rebill.rules;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One line of a customer's invoice as the customer sees it: a service's re-billed usage, or a charge or credit.
 * {@code exact} is the unrounded sum; {@code amount} is it rounded once to the currency's minor unit (spec §4).
 */
public record InvoiceLine(Kind kind, String service, String category, String subCategory, BigDecimal exact,
                          BigDecimal amount) {
    public enum Kind { SERVICE, CHARGE, CREDIT }

    public InvoiceLine {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(exact, "exact");
        Objects.requireNonNull(amount, "amount");
    }
}
