package io.rebill.identity;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The OpenID Connect provider of one customer account: users whose email is in {@code emailDomain} sign in there
 * and land in {@code accountId}; a user new to Rebill is created with {@code defaultRole}. The client secret is
 * write-only for people: it leaves this record only towards the provider's token endpoint.
 */
public record SsoConnection(UUID accountId, String emailDomain, String issuer, String clientId, String clientSecret,
                            Role defaultRole, Instant createdAt, String createdBy) {
    public SsoConnection {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(emailDomain, "emailDomain");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(defaultRole, "defaultRole");
    }

    /** Never prints the secret (records print every component by default). */
    @Override
    public String toString() {
        return "SsoConnection[accountId=" + accountId + ", emailDomain=" + emailDomain + ", issuer=" + issuer
                + ", clientId=" + clientId + ", defaultRole=" + defaultRole.dbName() + "]";
    }
}
