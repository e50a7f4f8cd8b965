package io.rebill.web;

import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;

import java.util.UUID;

/** A user signed in with email and password; the session holds only the id. */
final class PasswordUser extends User implements PortalUser {
    private final UUID userId;

    PasswordUser(UUID userId, String email, String passwordHash) {
        super(email, passwordHash, AuthorityUtils.createAuthorityList("ROLE_USER"));
        this.userId = userId;
    }

    @Override
    public UUID userId() {
        return userId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordUser p && p.userId.equals(userId);
    }

    @Override
    public int hashCode() {
        return userId.hashCode();
    }
}
