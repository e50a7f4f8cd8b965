package io.rebill.invoicing;

import io.rebill.shared.money.Money;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A customer's invoice for a period, as the customer sees it (spec §4): lines grouped by service plus one per
 * charge or credit, each rounded once, and the tax line when the MSP charges tax. The total is the sum of the lines,
 * derived, never stored. Number, dates and the two parties' details exist once it is issued.
 */
public record Invoice(UUID id, UUID mspId, UUID customerAccountId, String customerName, BillingPeriod period,
                      InvoiceStatus status, String currency, Optional<BigDecimal> taxRate, List<Line> lines,
                      Optional<String> number, Optional<LocalDate> issueDate, Optional<LocalDate> dueDate,
                      Optional<Party> seller, Optional<Party> buyer, Optional<Instant> issuedAt,
                      Optional<String> issuedBy, Optional<Instant> voidedAt, Optional<String> voidReason,
                      Optional<UUID> runId, Instant updatedAt) {
    public Invoice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        lines = List.copyOf(lines);
    }

    public enum LineKind { SERVICE, CHARGE, CREDIT, TAX, CORRECTION }

    /**
     * One rounded line; {@code exact} is the unrounded amount it was rounded from. A correction names the issued
     * invoice of the closed period it corrects and that invoice's line.
     */
    public record Line(LineKind kind, String description, Optional<String> category, BigDecimal exact,
                       BigDecimal amount, Optional<Correction> corrects) {
        public Line {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(corrects, "corrects");
            if ((kind == LineKind.CORRECTION) != corrects.isPresent()) {
                throw new IllegalArgumentException("a correction line, and only it, names the invoice it corrects");
            }
        }

        public Line(LineKind kind, String description, Optional<String> category, BigDecimal exact, BigDecimal amount) {
            this(kind, description, category, exact, amount, Optional.empty());
        }
    }

    /** What a correction line corrects: an issued invoice (its id and number) and the description of its line. */
    public record Correction(UUID invoiceId, String number, String line) {
    }

    /** Legal name, address, tax id and PO number as they stood when the invoice was issued. */
    public record Party(String name, Optional<String> address, Optional<String> taxId, Optional<String> poNumber,
                        Optional<String> email) {
    }

    /** The sum of the lines before tax. */
    public Money subtotal() {
        return sum(lines.stream().filter(l -> l.kind() != LineKind.TAX).map(Line::amount).toList());
    }

    public Money tax() {
        return sum(lines.stream().filter(l -> l.kind() == LineKind.TAX).map(Line::amount).toList());
    }

    /** The sum of every rounded line, tax included. */
    public Money total() {
        return sum(lines.stream().map(Line::amount).toList());
    }

    private Money sum(List<BigDecimal> amounts) {
        // one currency by construction: the amounts are summed, then made money once
        return Money.of(amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add), currency);
    }
}
