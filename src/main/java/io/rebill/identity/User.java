package io.rebill.identity;

import java.time.Instant;
import java.util.UUID;

/** A person who signs in. {@code hasPassword} is false for users who only sign in through SSO. */
public record User(UUID id, String email, String displayName, boolean hasPassword, Instant createdAt) {
}
