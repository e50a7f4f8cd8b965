package io.rebill.web.portal;

import io.rebill.costs.TrackedSpend;
import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
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
 * The seed's Managed Accounts screen as an API (Vantage's name: managed_accounts). Listing needs View Managed
 * Accounts; creating, deleting and unlinking need Add and remove Managed Accounts; renaming and changing the
 * contact email count as managing the account too.
 */
@RestController
@RequestMapping("/api/v1/managed_accounts")
class ManagedAccountsApi {
    private final Accounts accounts;
    private final AccountRemoval removal;
    private final TrackedSpend spend;
    private final AuditLog audit;
    private final io.rebill.invoicing.BillRuns billRuns;

    ManagedAccountsApi(Accounts accounts, AccountRemoval removal, TrackedSpend spend, AuditLog audit,
                       io.rebill.invoicing.BillRuns billRuns) {
        this.accounts = accounts;
        this.removal = removal;
        this.spend = spend;
        this.audit = audit;
        this.billRuns = billRuns;
    }

    record ManagedAccountJson(UUID id, String key, String name, String contactEmail, Instant createdAt,
                              String createdBy, Optional<String> match, Optional<SpendJson> trackedSpend) {
        static ManagedAccountJson of(Account a, Optional<TrackedSpend.Spend> spend) {
            return new ManagedAccountJson(a.id(), a.key(), a.name(), a.contactEmail(), a.createdAt(), a.createdBy(),
                    a.matchExpression(), spend.map(SpendJson::of));
        }
    }

    /** Money leaves the API as an exact decimal string, never a JSON number (clients read those as binary floats). */
    record SpendJson(String period, String amount) {
        static SpendJson of(TrackedSpend.Spend spend) {
            return new SpendJson(spend.period().toString(), spend.amount().toPlainString());
        }
    }

    record NewManagedAccount(String name, String contactEmail) {
    }

    record ManagedAccountChange(Optional<String> name, Optional<String> contactEmail, Optional<String> match) {
    }

    record Confirmation(String confirm) {
    }

    @GetMapping
    PageJson<ManagedAccountJson> list(Actor actor, @RequestParam(defaultValue = "0") int offset,
                                      @RequestParam(defaultValue = "50") int limit) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        PageRequest request = new PageRequest(offset, limit);
        // one statement: the versions of the accounts and assignments and the sources; the page and the spend are
        // kept under them (docs/benchmarks.md, issue 14 item 11)
        var inputs = accounts.managedListInputs(msp);
        var page = accounts.listManaged(inputs, request);
        var spent = spend.byCustomer(inputs);
        return PageJson.of(page.map(a -> ManagedAccountJson.of(a, Optional.ofNullable(spent.get(a.id())))),
                "/api/v1/managed_accounts");
    }

    @GetMapping("/{id}")
    ManagedAccountJson get(Actor actor, @PathVariable UUID id) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        Account account = accounts.managed(msp, id);
        return ManagedAccountJson.of(account, spend.of(msp, id));
    }

    @PostMapping
    ResponseEntity<ManagedAccountJson> create(Actor actor, @RequestBody NewManagedAccount body) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        required(body.name(), "name");
        required(body.contactEmail(), "contact_email");
        Account created = accounts.createManaged(msp, body.name(), body.contactEmail(), actor.createdBy());
        audit.record(actor, "managed_account.create", created.id().toString(),
                Map.of("name", created.name(), "contact_email", created.contactEmail()));
        // a new customer is part of the billing configuration (issue 13 item 7): the open periods bill again
        billRuns.configurationChanged(msp);
        return ResponseEntity.status(HttpStatus.CREATED)
                .header("Location", "/api/v1/managed_accounts/" + created.id())
                .body(ManagedAccountJson.of(created, Optional.empty()));
    }

    @PatchMapping("/{id}")
    ManagedAccountJson update(Actor actor, @PathVariable UUID id, @RequestBody ManagedAccountChange body) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        Account before = accounts.managed(msp, id);
        // "match": "" removes the predicate; an absent match keeps it
        Optional<Optional<String>> match = nonNull(body.match())
                .map(m -> m.isBlank() ? Optional.<String>empty() : Optional.of(m));
        Account after = accounts.updateManaged(msp, id, nonNull(body.name()), nonNull(body.contactEmail()), match);
        audit.record(actor, "managed_account.update", id.toString(), Map.of(
                "name", before.name() + " -> " + after.name(),
                "contact_email", before.contactEmail() + " -> " + after.contactEmail()));
        return ManagedAccountJson.of(after, Optional.empty());
    }

    /** Permanent. The body must repeat the account's name: {@code {"confirm": "Acme Corp"}}. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id, @RequestBody(required = false) Confirmation body) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        Account account = accounts.managed(msp, id);
        if (body == null || body.confirm() == null || !body.confirm().strip().equals(account.name())) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "deleting a customer account is permanent: send"
                    + " {\"confirm\": \"" + account.name() + "\"} to confirm");
        }
        removal.delete(actor, msp, account);
        billRuns.configurationChanged(msp);
        return ResponseEntity.noContent().build();
    }

    /** The account lives on without the MSP (seed: "unlink"). */
    @PostMapping("/{id}/unlink")
    ManagedAccountJson unlink(Actor actor, @PathVariable UUID id) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        Account unlinked = accounts.unlink(msp, id);
        audit.record(actor, "managed_account.unlink", id.toString(), Map.of("name", unlinked.name()));
        billRuns.configurationChanged(msp);
        return ManagedAccountJson.of(unlinked, Optional.empty());
    }

    static void required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " is required");
        }
    }

    private static <T> Optional<T> nonNull(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }
}
