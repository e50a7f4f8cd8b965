package io.rebill.web.sso;

import io.rebill.web.PortalUser;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;

import java.util.Collection;
import java.util.UUID;

/**
 * A user signed in through their account's OpenID Connect provider. Like every {@link PortalUser} it carries only
 * the Rebill user id; account and role are read from the database on each request.
 */
final class SsoUser extends DefaultOidcUser implements PortalUser {
    private final UUID userId;

    SsoUser(UUID userId, Collection<? extends GrantedAuthority> authorities, OidcIdToken idToken, OidcUserInfo userInfo) {
        super(authorities, idToken, userInfo, IdTokenClaimNames.SUB);
        this.userId = userId;
    }

    @Override
    public UUID userId() {
        return userId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SsoUser u && u.userId.equals(userId) && super.equals(other);
    }

    @Override
    public int hashCode() {
        return userId.hashCode();
    }
}
