package io.rebill.web;

import io.rebill.identity.ApiToken;
import io.rebill.identity.ApiTokens;
import io.rebill.identity.SignedIn;
import io.rebill.identity.TokenScope;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import java.util.Optional;
import java.util.UUID;

/**
 * A request authenticated by an API token: the token's user, limited to the token's account and scope, with who they
 * are there as the token's read gave it in the same request ({@link ApiTokens#authenticate}). Made for one request
 * and dropped after it.
 */
final class TokenUser extends AbstractAuthenticationToken implements PortalUser {
    private final ApiToken token;
    private final SignedIn signedIn;

    TokenUser(ApiTokens.Authenticated authenticated) {
        super(AuthorityUtils.createAuthorityList("ROLE_API"));
        this.token = authenticated.token();
        this.signedIn = authenticated.signedIn();
        setAuthenticated(true);
    }

    @Override
    public Optional<SignedIn> signedInThisRequest() {
        return Optional.of(signedIn);
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
