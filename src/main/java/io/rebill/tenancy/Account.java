package io.rebill.tenancy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An account: the unit of isolation. A customer account belongs to {@code mspId} until it is unlinked; its
 * {@code key} is its customer id in msp.yaml.
 */
public record Account(UUID id, AccountKind kind, Optional<UUID> mspId, String key, String name, String contactEmail,
                      Optional<String> emailDomain, String currency, Optional<String> matchExpression,
                      Instant createdAt, String createdBy, Optional<Instant> unlinkedAt) {
    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mspId, "mspId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(emailDomain, "emailDomain");
        Objects.requireNonNull(matchExpression, "matchExpression");
        Objects.requireNonNull(unlinkedAt, "unlinkedAt");
    }

    public boolean isMsp() {
        return kind == AccountKind.MSP;
    }

    /** True when this is a customer account that {@code msp} manages. */
    public boolean managedBy(UUID msp) {
        return kind == AccountKind.CUSTOMER && mspId.filter(msp::equals).isPresent();
    }
}
