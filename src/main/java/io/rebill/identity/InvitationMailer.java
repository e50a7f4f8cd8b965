package io.rebill.identity;

/** Sends one plain-text email; the application's is SMTP ({@code REBILL_SMTP_*}), as invoices are sent. */
public interface InvitationMailer {
    void send(String to, String from, String subject, String body);
}
