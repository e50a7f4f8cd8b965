package io.rebill.web.portal;

import io.rebill.ingestion.Ingestion;
import io.rebill.invoicing.BillRuns;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.secrets.SecretBox;
import io.rebill.tenancy.IntegrationSetup;
import io.rebill.tenancy.Integrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Integration setup (the tenancy feature's {@link IntegrationSetup}) and the schedule that syncs S3 exports.
 * {@code rebill.integrations.root} is the server folder holding each account's import folder (default
 * {@code <data folder>/imports}).
 */
@Configuration(proxyBeanMethods = false)
class IntegrationsConfiguration {
    private static final Logger log = LoggerFactory.getLogger(IntegrationsConfiguration.class);

    @Bean
    IntegrationSetup integrationSetup(Integrations integrations, Ingestion ingestion, SecretBox secrets, JdbcClient jdbc,
                                      TransactionTemplate tx, RebillSettings settings, Environment environment,
                                      @Value("${rebill.integrations.allow-s3-endpoints:false}") boolean allowEndpoints) {
        String configured = environment.getProperty("rebill.integrations.root", "");
        Path root = configured.isBlank() ? settings.home().resolve("imports") : Path.of(configured);
        IntegrationSetup setup = new IntegrationSetup(integrations, ingestion, secrets, jdbc, tx, root, allowEndpoints,
                Clock.systemUTC());
        int sealed = setup.sealStoredCredentials();
        if (sealed > 0) {
            log.info("sealed {} integration credential(s) with key {}", sealed, secrets.keys().current().id());
        }
        return setup;
    }

    @Bean(destroyMethod = "close")
    IntegrationSyncSchedule integrationSyncSchedule(IntegrationSetup setup, Integrations integrations, BillRuns billRuns,
                                                    @Value("${rebill.integrations.scheduled-sync:true}") boolean enabled,
                                                    @Value("${rebill.integrations.sync-check-seconds:60}") int every) {
        return new IntegrationSyncSchedule(setup, integrations, billRuns, enabled, every);
    }
}
