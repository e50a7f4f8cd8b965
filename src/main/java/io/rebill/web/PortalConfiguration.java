package io.rebill.web;

import io.rebill.identity.ApiTokens;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Users;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The portal's features as beans: each is a plain class taking its JDBC client, created here, never scanned. */
@Configuration(proxyBeanMethods = false)
class PortalConfiguration {

    @Bean
    TransactionTemplate transactionTemplate(PlatformTransactionManager transactions) {
        return new TransactionTemplate(transactions);
    }

    @Bean
    Accounts accounts(JdbcClient jdbc, TransactionTemplate tx) {
        return new Accounts(jdbc, tx);
    }

    @Bean
    Users users(JdbcClient jdbc, TransactionTemplate tx, PasswordEncoder encoder) {
        return new Users(jdbc, tx, encoder);
    }

    @Bean
    ApiTokens apiTokens(JdbcClient jdbc) {
        return new ApiTokens(jdbc);
    }

    @Bean
    AuditLog auditLog(JdbcClient jdbc) {
        return new AuditLog(jdbc);
    }

    @Bean
    Integrations integrations(JdbcClient jdbc, TransactionTemplate tx) {
        return new Integrations(jdbc, tx);
    }
}
