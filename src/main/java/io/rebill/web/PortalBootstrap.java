package io.rebill.web;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The first start of an installation creates its first MSP and that MSP's Owner: {@code rebill.admin.email}
 * (default {@value #DEFAULT_EMAIL}; its domain becomes the MSP's email domain) with {@code rebill.admin.password}
 * or a generated password printed once. When {@code rebill.bootstrap.source} names an ingested source (the demo's),
 * it becomes the MSP's consolidated integration. Later starts change nothing, except that a configured admin
 * password is set again (how an operator who lost it gets back in).
 */
@Component
class PortalBootstrap implements InitializingBean {
    static final String DEFAULT_EMAIL = "admin@msp.example";
    private static final Logger log = LoggerFactory.getLogger(PortalBootstrap.class);

    private final Accounts accounts;
    private final Users users;
    private final Integrations integrations;
    private final Ingestion ingestion;
    private final Environment environment;

    PortalBootstrap(Accounts accounts, Users users, Integrations integrations, Ingestion ingestion,
                    Environment environment) {
        this.accounts = accounts;
        this.users = users;
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        String email = environment.getProperty("rebill.admin.email", DEFAULT_EMAIL).strip();
        Optional<String> configured = Optional.ofNullable(environment.getProperty(AdminPassword.PROPERTY))
                .filter(p -> !p.isBlank());
        if (!accounts.msps().isEmpty()) {
            configured.ifPresent(password -> users.findByEmail(email).ifPresent(user -> {
                users.setPassword(user.id(), password);
                log.info("The password of {} is the one set in REBILL_ADMIN_PASSWORD", email);
            }));
            return;
        }
        AdminPassword password = AdminPassword.configuredOrGenerated(configured.orElse(null));
        String domain = email.substring(email.indexOf('@') + 1);
        Account msp = accounts.createMsp("msp", environment.getProperty("rebill.msp.name", "Demo MSP"), email, domain,
                "USD", "setup");
        users.addMember(msp.id(), msp.kind(), email, "MSP Admin", Optional.of(password.value()), Role.OWNER, "setup");
        if (password.generated()) {
            // Once, on stdout, for the person starting the server; never logged.
            System.out.println("Rebill: sign in as " + email + " with password " + password.value());
            System.out.flush();
        }
        log.info("Created the MSP account '{}' (email domain {}) and its Owner {}", msp.name(), domain, email);
        String source = environment.getProperty("rebill.bootstrap.source", "");
        if (!source.isBlank() && ingestion.find(source).isPresent()) {
            var integration = integrations.adopt(msp.id(), "aws", "Payer account (" + source + ")", source, "setup");
            log.info("Source {} is the MSP's integration {}", source, integration.id());
        }
    }
}
