package io.rebill.tenancy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How an integration's remote export is kept current: synced every {@code every} (default 6 hours), last at
 * {@code last}, next due at {@code next}; {@code credentialSet} says a secret is stored (it is never shown).
 */
public record IntegrationSync(Duration every, Optional<Instant> last, Optional<Instant> next, boolean credentialSet) {
    public static final Duration DEFAULT_EVERY = Duration.ofHours(6);
}
