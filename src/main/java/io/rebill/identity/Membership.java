package io.rebill.identity;

import java.util.UUID;

/** The role a user has in one account. */
public record Membership(UUID accountId, Role role) {
}
