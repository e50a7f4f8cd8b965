package io.rebill.web;

import io.rebill.costs.CostQuery;
import io.rebill.costs.OwnIntegrationCosts;
import io.rebill.costs.TrackedSpend;
import io.rebill.ingestion.Ingestion;
import io.rebill.shared.config.RebillSettings;
import io.rebill.tenancy.Integrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.util.Map;

/**
 * The served web application. Scans only {@code io.rebill.web}: every other feature is reached through its facade,
 * created here as a bean, never by component scanning into the feature's internals.
 */
@SpringBootApplication
public class RebillServer {
    /** Overrides the data folder ({@code REBILL_HOME}, which relaxed binding also maps to this name). */
    public static final String HOME_PROPERTY = "rebill.home";

    private static final Logger log = LoggerFactory.getLogger(RebillServer.class);

    /**
     * Starts the application; the returned context runs until it is closed (or the JVM shuts down). The properties
     * are passed as command-line arguments so that they win over the environment and application.properties, as
     * options typed on the command line should.
     */
    public static ConfigurableApplicationContext start(Map<String, String> properties) {
        String[] args = properties.entrySet().stream()
                .map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        return new SpringApplication(RebillServer.class).run(args);
    }

    @Bean
    RebillSettings rebillSettings(Environment environment) {
        RebillSettings fromEnvironment = RebillSettings.fromEnvironment(System.getenv());
        String home = environment.getProperty(HOME_PROPERTY);
        return home == null || home.isBlank() ? fromEnvironment : fromEnvironment.withHome(Path.of(home));
    }

    @Bean
    Ingestion ingestion(RebillSettings settings) {
        return new Ingestion(settings);
    }

    @Bean
    CostQuery costQuery(Ingestion ingestion) {
        return new CostQuery(ingestion);
    }

    @Bean
    TrackedSpend trackedSpend(JdbcClient jdbc, Integrations integrations,
                              Ingestion ingestion, CostQuery costs) {
        return new TrackedSpend(jdbc, integrations, ingestion, costs);
    }

    @Bean
    OwnIntegrationCosts ownIntegrationCosts(Integrations integrations, Ingestion ingestion, CostQuery costs) {
        return new OwnIntegrationCosts(integrations, ingestion, costs);
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
            RebillSettings settings = event.getApplicationContext().getBean(RebillSettings.class);
            log.info("Rebill is serving on http://localhost:{}/ (data folder {})", web.getWebServer().getPort(),
                    settings.home());
        }
    }
}
