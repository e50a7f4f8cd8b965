package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.ApiToken;
import io.rebill.identity.ApiTokens;
import io.rebill.identity.AuditLog;
import io.rebill.identity.NewApiToken;
import io.rebill.identity.TokenScope;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens of the caller's own account. A token acts as its user with its scope (read or write) and never more
 * than the user's role; tokens are created from a signed-in session only, so a read token cannot mint a write one.
 */
@RestController
@RequestMapping("/api/v1/api_tokens")
class ApiTokensApi {
    private final ApiTokens tokens;
    private final AuditLog audit;

    ApiTokensApi(ApiTokens tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    record TokenJson(UUID id, String name, String prefix, String scope, String userEmail, Instant createdAt,
                     Optional<Instant> lastUsedAt, Optional<Instant> revokedAt, Optional<String> token) {
        static TokenJson of(ApiToken t, Optional<String> secret) {
            return new TokenJson(t.id(), t.name(), t.prefix(), t.scope().dbName(), t.userEmail(), t.createdAt(),
                    t.lastUsedAt(), t.revokedAt(), secret);
        }
    }

    record NewToken(String name, String scope) {
    }

    @GetMapping
    PageJson<TokenJson> list(Actor actor, @RequestParam(defaultValue = "0") int offset,
                             @RequestParam(defaultValue = "50") int limit) {
        homeOnly(actor);
        var page = tokens.list(actor.home().id(), new PageRequest(offset, limit));
        // an account's users manager sees every token of the account; everyone else only their own
        boolean all = actor.can(UsersApi.managePermission(actor));
        var visible = page.items().stream().filter(t -> all || t.userId().equals(actor.userId()))
                .map(t -> TokenJson.of(t, Optional.empty())).toList();
        return PageJson.of(new io.rebill.shared.paging.Page<>(visible, page.offset(), page.limit(),
                all ? page.total() : visible.size()), "/api/v1/api_tokens");
    }

    @PostMapping
    ResponseEntity<TokenJson> create(Actor actor, @RequestBody NewToken body) {
        homeOnly(actor);
        if (actor.scope().isPresent()) {
            throw new RebillException(ErrorCode.FORBIDDEN, "an API token cannot create API tokens; sign in to create one");
        }
        ManagedAccountsApi.required(body.name(), "name");
        TokenScope scope = TokenScope.parse(body.scope() == null ? "read" : body.scope());
        NewApiToken created = tokens.create(actor.userId(), actor.home().id(), body.name(), scope);
        audit.record(actor, "api_token.create", created.token().id().toString(),
                Map.of("name", created.token().name(), "scope", scope.dbName()));
        return ResponseEntity.status(HttpStatus.CREATED).body(TokenJson.of(created.token(), Optional.of(created.secret())));
    }

    @DeleteMapping("/{id}")
    TokenJson revoke(Actor actor, @PathVariable UUID id) {
        homeOnly(actor);
        if (actor.scope().filter(s -> s == TokenScope.READ).isPresent()) {
            // also refused before it gets here (SecurityConfiguration): a read token only reads
            throw new RebillException(ErrorCode.FORBIDDEN, "a read-only API token cannot revoke tokens");
        }
        // who may revoke is decided before whether the token exists: without the right to manage the account's
        // users, anything but one's own token (an unknown id too) is a 403, so ids of others stay unknowable
        if (!actor.can(UsersApi.managePermission(actor))) {
            boolean own;
            try {
                own = tokens.find(actor.home().id(), id).userId().equals(actor.userId());
            } catch (RebillException unknown) {
                own = false;
            }
            if (!own) {
                actor.require(UsersApi.managePermission(actor));
            }
        }
        ApiToken revoked = tokens.revoke(actor.home().id(), id);
        audit.record(actor, "api_token.revoke", id.toString(), Map.of("name", revoked.name()));
        return TokenJson.of(revoked, Optional.empty());
    }

    private static void homeOnly(Actor actor) {
        if (actor.managerUser()) {
            throw new RebillException(ErrorCode.FORBIDDEN, "API tokens belong to your own account; return to the MSP"
                    + " account to manage them");
        }
    }
}
