package io.rebill.web.billing;

import io.rebill.billingconfig.BillingRules;
import io.rebill.identity.AuditLog;
import io.rebill.ingestion.Ingestion;
import io.rebill.invoicing.BillRuns;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.invoicing.InvoiceMailer;
import io.rebill.invoicing.Invoices;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;

/**
 * The invoicing feature as beans: bill runs (automatic ones follow the billing configuration and the MSP's
 * integrations unless {@code rebill.billing.automatic=false}), invoices, and the SMTP server invoices are sent
 * through ({@code REBILL_SMTP_HOST}, {@code _PORT}, {@code _USERNAME}, {@code _PASSWORD}, {@code _FROM},
 * {@code _STARTTLS}).
 */
@Configuration(proxyBeanMethods = false)
class InvoicingConfiguration {

    @Bean(destroyMethod = "close")
    BillRuns billRuns(JdbcClient jdbc, TransactionTemplate tx, BillingRules rules, Integrations integrations,
                      Ingestion ingestion, Accounts accounts, RebillSettings settings, AuditLog audit,
                      Environment environment, io.rebill.costs.DailyCosts daily) {
        Duration coalesce = Duration.ofMillis(environment.getProperty("rebill.billing.coalesce-ms", Long.class, 2000L));
        BillRuns runs = new BillRuns(jdbc, tx, rules, integrations, ingestion, accounts,
                InvoiceAssembly.billing(settings, PredicateCompiler.cel()), audit, coalesce,
                environment.getProperty("rebill.billing.automatic", Boolean.class, true), daily);
        rules.onChange(runs::configurationChanged);
        return runs;
    }

    @Bean
    InvoiceMailer invoiceMailer(Environment environment) {
        JavaMailSenderImpl sender = io.rebill.web.Smtp.sender(environment);
        return (to, from, subject, body, name, attachment) -> {
            try {
                var message = sender.createMimeMessage();
                MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
                helper.setTo(to);
                helper.setFrom(from);
                helper.setSubject(subject);
                helper.setText(body);
                helper.addAttachment(name, new org.springframework.core.io.ByteArrayResource(attachment),
                        "application/pdf");
                sender.send(message);
            } catch (jakarta.mail.MessagingException e) {
                throw new org.springframework.mail.MailPreparationException(e.getMessage(), e);
            }
        };
    }

    @Bean
    Invoices invoices(JdbcClient jdbc, TransactionTemplate tx, BillRuns runs, AuditLog audit, InvoiceMailer mailer,
                      Environment environment) {
        return new Invoices(jdbc, tx, runs, audit, mailer, environment.getProperty("rebill.smtp.from",
                "billing@" + environment.getProperty("rebill.admin.email", "admin@msp.example").replaceFirst(".*@", "")),
                Clock.systemUTC());
    }

    /**
     * Runs that a stopped server left behind: the running ones failed, the queued ones run now; and periods whose
     * figures an earlier version stored without the fine aggregate files are billed again.
     */
    @EventListener
    void ready(ApplicationReadyEvent event) {
        BillRuns runs = event.getApplicationContext().getBean(BillRuns.class);
        runs.recover();
        runs.refreshStoredFigures();
    }
}
