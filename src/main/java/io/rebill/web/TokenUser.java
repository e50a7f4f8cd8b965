package io.rebill.web;

import io.rebill.identity.ApiToken;
import io.rebill.identity.TokenScope;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import java.util.Optional;
import java.util.UUID;

/** A request authenticated by an API token: the token's user, limited to the token's account and scope. */
final class TokenUser extends AbstractAuthenticationToken implements PortalUser {
    private final ApiToken token;

    TokenUser(ApiToken token) {
        super(AuthorityUtils.createAuthorityList("ROLE_API"));
        this.token = token;
        setAuthenticated(true);
    }

    @Override
    public UUID userId() {
        return token.userId();
    }

    @Override
    public Optional<UUID> tokenAccount() {
        return Optional.of(token.accountId());
    }

    @Override
    public Optional<TokenScope> tokenScope() {
        return Optional.of(token.scope());
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return this;
    }

    @Override
    public String getName() {
        return token.userId().toString();
    }
}
