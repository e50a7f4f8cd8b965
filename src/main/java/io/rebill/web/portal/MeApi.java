package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.web.CurrentActor;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who the caller is and where they act; entering a customer account and returning to the MSP account for a browser
 * session (API tokens name the account per request in the Rebill-Account header instead).
 */
@RestController
@RequestMapping("/api/v1")
class MeApi {
    private final Accounts accounts;
    private final AuditLog audit;
    private final CurrentActor current;

    MeApi(Accounts accounts, AuditLog audit, CurrentActor current) {
        this.accounts = accounts;
        this.audit = audit;
        this.current = current;
    }

    record AccountRef(UUID id, String name, String kind) {
        static AccountRef of(Account a) {
            return new AccountRef(a.id(), a.name(), a.kind().dbName());
        }
    }

    record MeJson(UUID userId, String email, String name, AccountRef home, String role, AccountRef account,
                  Optional<String> actingAs, List<Permission> permissions, Optional<String> tokenScope) {
        static MeJson of(Actor actor) {
            return new MeJson(actor.userId(), actor.email(), actor.displayName(), AccountRef.of(actor.home()),
                    actor.homeRole().dbName(), AccountRef.of(actor.account()),
                    actor.managerUser() ? Optional.of(AuditLog.MANAGER_USER) : Optional.empty(),
                    actor.permissions().stream().sorted().toList(), actor.scope().map(s -> s.dbName()));
        }
    }

    @GetMapping("/me")
    MeJson me(Actor actor) {
        return MeJson.of(actor);
    }

    /** Seed: "Enter Account ->". The session acts in the customer account as Manager User until it returns. */
    @PostMapping("/managed_accounts/{id}/enter")
    MeJson enter(Actor actor, @PathVariable UUID id, HttpServletRequest request) {
        Actor inside = enter(accounts, audit, actor, id, request);
        return MeJson.of(inside);
    }

    /** Seed: "Return to MSP account". */
    @PostMapping("/session/return")
    MeJson back(HttpServletRequest request) {
        Actor home = leave(audit, current.quietly(request), request);
        return MeJson.of(home);
    }

    static Actor enter(Accounts accounts, AuditLog audit, Actor actor, UUID id, HttpServletRequest request) {
        UUID msp = actor.managerUser() ? actor.home().id() : actor.requireMsp();
        Actor home = actor.atHome();
        if (actor.scope().isPresent()) {
            throw new io.rebill.shared.errors.RebillException(io.rebill.shared.errors.ErrorCode.BAD_ARGUMENT,
                    "API tokens do not enter accounts; send the header " + CurrentActor.ACCOUNT_HEADER + ": " + id);
        }
        // who may enter is decided before whether the account exists (docs/api.md: 403, not 404, for an id
        // nobody has), so a caller without the right learns nothing about ids
        home.require(Permission.VIEW_MANAGED_ACCOUNTS);
        Account customer = accounts.managed(msp, id);
        Actor inside = home.entering(customer);
        request.getSession().setAttribute(CurrentActor.ENTERED_ACCOUNT, customer.id());
        audit.record(inside, "account.enter", customer.id().toString(), Map.of("name", customer.name()));
        return inside;
    }

    static Actor leave(AuditLog audit, Actor actor, HttpServletRequest request) {
        var session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(CurrentActor.ENTERED_ACCOUNT);
        }
        if (actor.managerUser()) {
            audit.record(actor, "account.return", actor.account().id().toString(), Map.of("name", actor.account().name()));
        }
        return actor.atHome();
    }
}
