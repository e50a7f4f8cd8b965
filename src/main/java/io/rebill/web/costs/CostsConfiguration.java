package io.rebill.web.costs;

import io.rebill.costs.DailyCosts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The daily cost figures bill runs write, as a bean for the costs API and the home pages (issue 12). */
@Configuration(proxyBeanMethods = false)
class CostsConfiguration {
    @Bean
    DailyCosts dailyCosts(JdbcClient jdbc, javax.sql.DataSource dataSource) {
        return new DailyCosts(jdbc, dataSource);
    }
}
