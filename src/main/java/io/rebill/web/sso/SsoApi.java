package io.rebill.web.sso;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.identity.Role;
import io.rebill.identity.SsoConnection;
import io.rebill.identity.SsoConnections;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.AccountKind;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The SSO connection of the customer account the caller acts in (docs/sso.md): its Owner, or the MSP's staff who
 * entered it as Manager User. The client secret is write-only: it is accepted, stored and sent to the provider,
 * never answered.
 */
@RestController
@RequestMapping("/api/v1/sso")
class SsoApi {
    private final SsoConnections connections;
    private final OidcDiscovery discovery;
    private final AuditLog audit;

    SsoApi(SsoConnections connections, OidcDiscovery discovery, AuditLog audit) {
        this.connections = connections;
        this.discovery = discovery;
        this.audit = audit;
    }

    record SsoJson(UUID accountId, String emailDomain, String issuer, String clientId, boolean clientSecretSet,
                   String defaultRole, String redirectUri, String loginUri, Instant createdAt, String createdBy) {
        static SsoJson of(SsoConnection c) {
            String base = ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
            return new SsoJson(c.accountId(), c.emailDomain(), c.issuer(), c.clientId(), true,
                    c.defaultRole().dbName(), base + "/login/oauth2/code/" + c.accountId(),
                    base + "/oauth2/authorization/" + c.accountId(), c.createdAt(), c.createdBy());
        }
    }

    record SsoChange(String emailDomain, String issuer, String clientId, Optional<String> clientSecret,
                     Optional<String> defaultRole) {
    }

    @GetMapping
    SsoJson get(Actor actor) {
        UUID account = customerAccount(actor);
        return SsoJson.of(connections.find(account).orElseThrow(() -> notSetUp(actor)));
    }

    @PutMapping
    SsoJson put(Actor actor, @RequestBody SsoChange body) {
        UUID account = customerAccount(actor);
        Role role = body.defaultRole() == null || body.defaultRole().isEmpty() ? Role.VIEWER
                : Role.parse(body.defaultRole().get(), AccountKind.CUSTOMER);
        var settings = connections.check(new SsoConnections.Settings(body.emailDomain(), body.issuer(),
                body.clientId(), body.clientSecret() == null ? Optional.empty() : body.clientSecret(), role));
        // a mistyped issuer or an unreachable provider shows now, not when the first user tries to sign in
        try {
            discovery.refresh(settings.issuer());
        } catch (SsoUnavailableException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "issuer: " + e.getMessage());
        }
        boolean created = connections.find(account).isEmpty();
        SsoConnection saved = connections.put(account, actor.account().kind(), settings, actor.createdBy());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("email_domain", saved.emailDomain());
        detail.put("issuer", saved.issuer());
        detail.put("client_id", saved.clientId());
        detail.put("default_role", saved.defaultRole().dbName());
        detail.put("client_secret_changed", settings.clientSecret().isPresent());
        audit.record(actor, created ? "sso.create" : "sso.update", account.toString(), detail);
        return SsoJson.of(saved);
    }

    @DeleteMapping
    ResponseEntity<Void> delete(Actor actor) {
        UUID account = customerAccount(actor);
        SsoConnection current = connections.find(account).orElseThrow(() -> notSetUp(actor));
        connections.delete(account);
        audit.record(actor, "sso.delete", account.toString(), Map.of("email_domain", current.emailDomain(),
                "issuer", current.issuer()));
        return ResponseEntity.noContent().build();
    }

    /** SSO belongs to a customer account; the MSP account's staff set it up from inside the customer's. */
    private static UUID customerAccount(Actor actor) {
        if (actor.account().isMsp()) {
            throw new RebillException(ErrorCode.FORBIDDEN, "SSO is set up per customer account; enter the customer"
                    + " account first (POST /api/v1/managed_accounts/<id>/enter or the " + "Rebill-Account header)");
        }
        actor.require(Permission.MANAGE_ACCOUNT_USERS);
        return actor.account().id();
    }

    private static RebillException notSetUp(Actor actor) {
        return new RebillException(ErrorCode.UNKNOWN_ID, "SSO is not set up for " + actor.account().name()
                + "; PUT /api/v1/sso with email_domain, issuer, client_id and client_secret to set it up");
    }
}
