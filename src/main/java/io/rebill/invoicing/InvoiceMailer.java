package io.rebill.invoicing;

/** Sends one email with one attachment; the application's is SMTP ({@code REBILL_SMTP_*}). */
public interface InvoiceMailer {
    void send(String to, String from, String subject, String body, String attachmentName, byte[] attachment);
}
