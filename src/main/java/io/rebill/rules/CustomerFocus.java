package io.rebill.rules;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one customer's FOCUS 1.2 file is read with (issue 12), beside a bill run's kept lines: the customer's id in
 * the configuration, its invoice number once the invoice is issued (InvoiceId), the correction lines that invoice
 * carries (ChargeClass Correction) and the file's format.
 */
public record CustomerFocus(String customerKey, Optional<String> invoiceId, List<Correction> corrections, Format format) {
    public CustomerFocus {
        Objects.requireNonNull(customerKey, "customerKey");
        Objects.requireNonNull(invoiceId, "invoiceId");
        Objects.requireNonNull(format, "format");
        corrections = List.copyOf(corrections);
    }

    public enum Format {
        CSV, PARQUET;

        /** csv or parquet (any case); anything else is an error naming the value. */
        public static Format parse(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "csv" -> CSV;
                case "parquet" -> PARQUET;
                default -> throw new io.rebill.shared.errors.RebillException(io.rebill.shared.errors.ErrorCode.BAD_ARGUMENT,
                        "format is csv or parquet, not '" + value + "'");
            };
        }

        public String extension() {
            return switch (this) {
                case CSV -> "csv";
                case PARQUET -> "parquet";
            };
        }
    }

    /**
     * A correction line of the customer's invoice: {@code description} as the invoice shows it, the corrected
     * invoice line ({@code line}, a service or charge), the rounded amount, the closed period it corrects and that
     * period's invoice number.
     */
    public record Correction(String description, String line, BigDecimal amount, BillingPeriod corrects, String invoiceNumber) {
        public Correction {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(corrects, "corrects");
        }
    }
}
