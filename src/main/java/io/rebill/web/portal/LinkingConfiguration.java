package io.rebill.web.portal;

import io.rebill.ingestion.Ingestion;
import io.rebill.linking.ProviderAccounts;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The linking feature (provider accounts and which customer each bills to) as a bean. */
@Configuration(proxyBeanMethods = false)
class LinkingConfiguration {
    @Bean
    ProviderAccounts providerAccounts(Integrations integrations, Accounts accounts, Ingestion ingestion, JdbcClient jdbc,
                                      TransactionTemplate tx) {
        return new ProviderAccounts(integrations, accounts, ingestion, jdbc, tx);
    }
}
