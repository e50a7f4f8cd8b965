package io.rebill.web;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.rebill.shared.config.RebillSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The portal's DataSource: {@code rebill.database.url} / {@code .user} / {@code .password} (environment
 * {@code REBILL_DATABASE_URL} and so on) when set, else the embedded PostgreSQL. Flyway migrates it on start.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    RebillDatabase rebillDatabase(Environment environment, RebillSettings settings) {
        String url = environment.getProperty("rebill.database.url");
        if (url != null && !url.isBlank()) {
            return RebillDatabase.external(url, environment.getProperty("rebill.database.user"),
                    environment.getProperty("rebill.database.password"));
        }
        return RebillDatabase.embedded(settings);
    }

    /** Closed before {@link #rebillDatabase} because it depends on it, so no connection outlives the server. */
    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(RebillDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("rebill");
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(10);
        return new HikariDataSource(config);
    }
}
