package io.rebill.web.sso;

import io.rebill.identity.AuditLog;
import io.rebill.identity.SsoConnections;
import io.rebill.identity.Users;
import io.rebill.shared.secrets.SecretBox;
import io.rebill.tenancy.Accounts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;

/**
 * SSO per customer account (docs/sso.md). {@code rebill.sso.allow-http-issuers=true} accepts providers at
 * {@code http://localhost} (and any address) for tests and local trials; everywhere else an issuer is
 * {@code https://} on a public address, unless {@code rebill.sso.allow-private-issuers=true} lets a provider inside
 * the operator's network be used ({@link IssuerAddresses}).
 */
@Configuration(proxyBeanMethods = false)
class SsoConfiguration {

    @Bean
    SsoConnections ssoConnections(JdbcClient jdbc, TransactionTemplate tx, SecretBox secrets,
                                  @Value("${rebill.sso.allow-http-issuers:false}") boolean allowHttpIssuers) {
        SsoConnections connections = new SsoConnections(jdbc, tx, allowHttpIssuers, secrets);
        // client secrets kept in plain text by earlier versions, or sealed with a key since rotated, are sealed
        // with the current key before the first sign-in reads one
        int sealed = connections.sealStoredSecrets();
        if (sealed > 0) {
            org.slf4j.LoggerFactory.getLogger(SsoConfiguration.class).info("sealed {} SSO client secret(s) with key {}",
                    sealed, secrets.keys().current().id());
        }
        return connections;
    }

    @Bean
    OidcDiscovery oidcDiscovery(JsonMapper json,
                                @Value("${rebill.sso.allow-private-issuers:false}") boolean allowPrivateIssuers,
                                @Value("${rebill.sso.allow-http-issuers:false}") boolean allowHttpIssuers) {
        return new OidcDiscovery(json, Clock.systemUTC(), new IssuerAddresses(allowPrivateIssuers, allowHttpIssuers));
    }

    /** Also Spring's ClientRegistrationRepository, so Boot's own (property-based) registrations stay off. */
    @Bean
    SsoClientRegistrations ssoClientRegistrations(SsoConnections connections, OidcDiscovery discovery) {
        return new SsoClientRegistrations(connections, discovery);
    }

    @Bean
    SsoUserService ssoUserService(SsoConnections connections, Users users, Accounts accounts, AuditLog audit) {
        return new SsoUserService(connections, users, accounts, audit);
    }

    @Bean
    SsoLogin ssoLogin(SsoClientRegistrations registrations, SsoUserService users) {
        return new SsoLogin(registrations, users);
    }
}
