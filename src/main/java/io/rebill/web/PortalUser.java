package io.rebill.web;

import java.util.UUID;

/**
 * What every signed-in principal is, however it signed in (password, API token, SSO): a Rebill user id. The
 * account and role come from the database on each request, so a changed role or a removed user takes effect at once.
 */
public interface PortalUser {
    UUID userId();

    /** The account an API token is limited to; empty for browser sessions. */
    default java.util.Optional<UUID> tokenAccount() {
        return java.util.Optional.empty();
    }

    /**
     * Who the user is in the account the request acts from, when this request has already read it with its
     * credentials (an API token: {@link io.rebill.identity.ApiTokens#authenticate}); empty for browser sessions,
     * whose principal outlives the request.
     */
    default java.util.Optional<io.rebill.identity.SignedIn> signedInThisRequest() {
        return java.util.Optional.empty();
    }

    /** The API token's scope; empty for browser sessions. */
    default java.util.Optional<io.rebill.identity.TokenScope> tokenScope() {
        return java.util.Optional.empty();
    }
}
