package io.rebill.invoicing;

import java.util.Locale;
import java.util.Objects;

/**
 * A downloaded invoice document (PDF or CSV) with the invoice it was rendered from, so that a download names its file
 * after the same read of the invoice its content came from.
 */
public record InvoiceFile(Invoice invoice, byte[] content, String extension) {
    public InvoiceFile {
        Objects.requireNonNull(invoice, "invoice");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(extension, "extension");
    }

    /** The number of an issued invoice; a draft's period and customer name (it has no number yet). */
    public String fileName() {
        return invoice.number().orElse("draft-" + invoice.period() + "-" + invoice.customerName()
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")) + "." + extension;
    }
}
