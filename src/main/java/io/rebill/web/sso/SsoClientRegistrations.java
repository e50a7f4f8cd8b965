package io.rebill.web.sso;

import io.rebill.identity.SsoConnection;
import io.rebill.identity.SsoConnections;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;

import java.util.Optional;
import java.util.UUID;

/**
 * One OAuth 2.0 client registration per customer account with SSO, read from its {@code sso_connection} on every
 * use (so a changed secret or a removed connection takes effect at once); the registration id is the account id,
 * which makes the redirect URI {@code <base>/login/oauth2/code/<account id>}. The provider's endpoints and keys come
 * from its discovery document ({@link OidcDiscovery}).
 */
final class SsoClientRegistrations implements ClientRegistrationRepository {
    static final String REDIRECT_URI = "{baseUrl}/login/oauth2/code/{registrationId}";

    private final SsoConnections connections;
    private final OidcDiscovery discovery;

    SsoClientRegistrations(SsoConnections connections, OidcDiscovery discovery) {
        this.connections = connections;
        this.discovery = discovery;
    }

    /** Null for an id that is no account with SSO (Spring's contract); throws when the provider cannot be read. */
    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        return accountId(registrationId).flatMap(connections::find).map(this::registration).orElse(null);
    }

    ClientRegistration registration(SsoConnection connection) {
        return ClientRegistrations.fromOidcConfiguration(discovery.configuration(connection.issuer()))
                .registrationId(connection.accountId().toString())
                .clientName(connection.emailDomain())
                .clientId(connection.clientId())
                .clientSecret(connection.clientSecret())
                .scope("openid", "email", "profile")
                .redirectUri(REDIRECT_URI)
                .build();
    }

    static Optional<UUID> accountId(String registrationId) {
        try {
            return Optional.of(UUID.fromString(registrationId));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
