package io.rebill.invoicing;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What an invoice says about a party: the MSP (seller; its invoice number prefix) or a customer account (buyer; its
 * payment terms and the tax the MSP charges it). Copied into an invoice when it is issued.
 */
public record BillingDetails(UUID accountId, String name, String contactEmail, Optional<String> legalName,
                             Optional<String> address, Optional<String> taxId, Optional<String> poNumber,
                             int paymentTermsDays, Optional<BigDecimal> taxRate, String invoicePrefix) {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,15}");

    public BillingDetails {
        if (paymentTermsDays < 0 || paymentTermsDays > 365) {
            throw new IllegalArgumentException("payment_terms_days must be 0 to 365 days, not " + paymentTermsDays);
        }
        taxRate.ifPresent(r -> {
            if (r.signum() < 0 || r.compareTo(BigDecimal.valueOf(100)) > 0 || r.scale() > 4) {
                throw new IllegalArgumentException("tax_rate must be a percent from 0 to 100 with at most 4 decimals,"
                        + " not " + r.toPlainString());
            }
        });
        if (!PREFIX.matcher(invoicePrefix).matches()) {
            throw new IllegalArgumentException("invoice_prefix '" + invoicePrefix + "' must be 1-16 letters, digits,"
                    + " '-' or '_', starting with a letter or digit (e.g. INV)");
        }
    }

    public Invoice.Party party() {
        return new Invoice.Party(legalName.orElse(name), address, taxId, poNumber, Optional.of(contactEmail));
    }
}
