package io.rebill.invoicing;

import java.util.Locale;

/** An invoice's life (Kill Bill's draft, committed, void): a draft follows the bill runs, an issued one never changes. */
public enum InvoiceStatus {
    DRAFT, ISSUED, VOID;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InvoiceStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public String label() {
        return switch (this) {
            case DRAFT -> "Draft";
            case ISSUED -> "Issued";
            case VOID -> "Void";
        };
    }
}
