package io.rebill.web.portal;

import io.rebill.billingconfig.BillingRules;
import io.rebill.identity.AuditLog;
import io.rebill.ingestion.Ingestion;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import io.rebill.tenancy.Integrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;

/** The billing rules store as a bean (io.rebill.billingconfig), with the billing engine its previews run on. */
@Configuration(proxyBeanMethods = false)
class BillingRulesConfiguration {

    @Bean
    BillingRules billingRules(JdbcClient jdbc, TransactionTemplate tx, Integrations integrations, Ingestion ingestion,
                              RebillSettings settings, AuditLog audit) {
        return new BillingRules(jdbc, tx, integrations, ingestion, InvoiceAssembly.billing(settings, PredicateCompiler.cel()), audit,
                Clock.systemUTC());
    }
}
