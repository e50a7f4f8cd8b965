package io.rebill.web.costs;

import io.rebill.costs.CostReports;
import io.rebill.costs.DailyCosts;
import io.rebill.costs.FineCosts;
import io.rebill.costs.OwnIntegrationDays;
import io.rebill.costs.VirtualTags;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The daily cost figures bill runs write, saved reports and virtual tags, as beans (issue 12). */
@Configuration(proxyBeanMethods = false)
class CostsConfiguration {
    @Bean
    FineCosts fineCosts(JdbcClient jdbc, RebillSettings settings) {
        return new FineCosts(jdbc, settings);
    }

    @Bean
    DailyCosts dailyCosts(JdbcClient jdbc, javax.sql.DataSource dataSource, FineCosts fine) {
        return new DailyCosts(jdbc, dataSource, fine);
    }

    @Bean
    VirtualTags virtualTags(JdbcClient jdbc, io.rebill.identity.AuditLog audit) {
        return new VirtualTags(jdbc, PredicateCompiler.cel(), audit);
    }

    @Bean
    OwnIntegrationDays ownIntegrationDays(io.rebill.tenancy.Integrations integrations,
                                          io.rebill.ingestion.Ingestion ingestion) {
        return new OwnIntegrationDays(integrations, ingestion);
    }

    @Bean
    CostReports costReports(JdbcClient jdbc, VirtualTags tags, FineCosts fine, OwnIntegrationDays own,
                            io.rebill.identity.AuditLog audit) {
        return new CostReports(jdbc, tags, fine, own, java.time.Clock.systemUTC(), audit);
    }
}
