package io.rebill.web.sso;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Member;
import io.rebill.identity.SsoConnection;
import io.rebill.identity.SsoConnections;
import io.rebill.identity.User;
import io.rebill.identity.Users;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.ContactEmail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * After the provider vouched for the person (Spring checked the ID token's signature, issuer, audience and nonce):
 * decides whether they may enter the account that owns the connection. The email must be present, not marked
 * unverified, and in the connection's domain; the person is the Rebill user with that email, created on their
 * first sign-in with the connection's default role. A user of another account with the same email is refused,
 * never moved: one provider signs in to its own account only.
 */
final class SsoUserService implements OAuth2UserService<OidcUserRequest, OidcUser> {
    static final String REFUSED = "access_denied";
    private static final Logger log = LoggerFactory.getLogger(SsoUserService.class);
    private static final int MAX_NAME = 200;

    private final OAuth2UserService<OidcUserRequest, OidcUser> provider;
    private final SsoConnections connections;
    private final Users users;
    private final Accounts accounts;
    private final AuditLog audit;

    SsoUserService(SsoConnections connections, Users users, Accounts accounts, AuditLog audit) {
        this(new OidcUserService(), connections, users, accounts, audit);
    }

    SsoUserService(OAuth2UserService<OidcUserRequest, OidcUser> provider, SsoConnections connections, Users users,
                   Accounts accounts, AuditLog audit) {
        this.provider = provider;
        this.connections = connections;
        this.users = users;
        this.accounts = accounts;
        this.audit = audit;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) throws OAuth2AuthenticationException {
        OidcUser person = provider.loadUser(request);
        UUID accountId = SsoClientRegistrations.accountId(request.getClientRegistration().getRegistrationId())
                .orElseThrow(() -> refuse("this sign-in does not belong to any account"));
        SsoConnection connection = connections.find(accountId)
                .orElseThrow(() -> refuse("SSO is no longer set up for this account; sign in with your password"));
        Account account = accounts.find(accountId).orElseThrow(() -> refuse("this account no longer exists"));
        String email = email(person, connection);
        Optional<User> known = users.findByEmail(email);
        User user = known.orElseGet(() -> users.provisionSsoUser(accountId, email, name(person, email),
                connection.defaultRole()));
        Member member = users.member(accountId, user.id()).orElseThrow(() -> {
            log.info("SSO of account {} refused {}: a user of another account", accountId, email);
            return refuse(email + " is a user of another Rebill account; the SSO of " + account.name()
                    + " signs in only its own users. Sign in with your password, or ask an Owner to sort this out");
        });
        Actor actor = new Actor(user.id(), user.email(), user.displayName(), account, member.role(), account,
                Optional.empty());
        if (known.isEmpty()) {
            audit.record(actor, "user.create", user.id().toString(),
                    Map.of("email", user.email(), "role", member.role().dbName(), "via", "sso"));
        }
        audit.record(actor, "sso.login", user.id().toString(), Map.of("email", user.email(),
                "issuer", connection.issuer(), "subject", person.getSubject(), "new_user", known.isEmpty()));
        return new SsoUser(user.id(), AuthorityUtils.createAuthorityList("ROLE_USER"), person.getIdToken(),
                person.getUserInfo());
    }

    /** The verified-enough email: present, not marked unverified by the provider, and in the connection's domain. */
    private static String email(OidcUser person, SsoConnection connection) {
        String claimed = person.getEmail();
        if (claimed == null || claimed.isBlank()) {
            throw refuse("your identity provider sent no email address; ask its administrator to release the"
                    + " 'email' claim to Rebill");
        }
        if (Boolean.FALSE.equals(person.getEmailVerified())) {
            throw refuse("your identity provider marks " + claimed + " as not verified; verify it there first");
        }
        String email;
        try {
            email = ContactEmail.check(claimed, "email");
        } catch (RebillException e) {
            throw refuse("your identity provider sent '" + claimed + "', which is not an email address");
        }
        if (!ContactEmail.domainOf(email).equals(connection.emailDomain())) {
            throw refuse("you signed in as " + email + ", but this SSO signs in users of @" + connection.emailDomain()
                    + " only; use an address of that domain, or sign in with your password");
        }
        return email;
    }

    private static String name(OidcUser person, String email) {
        String name = Optional.ofNullable(person.getFullName())
                .or(() -> Optional.ofNullable(person.getGivenName())
                        .map(given -> Optional.ofNullable(person.getFamilyName()).map(f -> given + " " + f).orElse(given)))
                .or(() -> Optional.ofNullable(person.getPreferredUsername()))
                .map(String::strip).filter(n -> !n.isEmpty()).orElse(email);
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    static OAuth2AuthenticationException refuse(String message) {
        return new OAuth2AuthenticationException(new OAuth2Error(REFUSED, message, null), message);
    }
}
