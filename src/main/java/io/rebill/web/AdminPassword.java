package io.rebill.web;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bootstrap MSP admin's password: {@code rebill.admin.password} (environment {@code REBILL_ADMIN_PASSWORD}), or a
 * random one generated at start, which the caller prints once. Users, roles and SSO come with the identity feature.
 */
record AdminPassword(String value, boolean generated) {
    static final String PROPERTY = "rebill.admin.password";
    private static final SecureRandom RANDOM = new SecureRandom();

    AdminPassword {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the admin password must not be blank");
        }
    }

    static AdminPassword configuredOrGenerated(String configured) {
        if (configured != null && !configured.isBlank()) {
            return new AdminPassword(configured, false);
        }
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return new AdminPassword(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), true);
    }

    @Override
    public String toString() {
        return "AdminPassword[" + (generated ? "generated" : "configured") + "]";
    }
}
