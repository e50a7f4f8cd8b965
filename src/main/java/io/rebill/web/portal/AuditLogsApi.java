package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditEntry;
import io.rebill.identity.AuditFilter;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Users;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The audit log, for whoever manages the account's users: the MSP's Owners see everything done in the MSP account
 * and in its customers' accounts with the real person; a customer's Owner sees their account's log with the MSP's
 * staff shown as Manager User. Each entry also reads as a sentence with its local date (the server's time zone),
 * and the list filters by who, kind of action and a date range (dates in the server's time zone, both inclusive).
 */
@RestController
@RequestMapping("/api/v1/audit_logs")
class AuditLogsApi {
    private final AuditLog audit;
    private final Users users;
    private final Accounts accounts;
    private final Integrations integrations;
    private final ZoneId zone = ZoneId.systemDefault();

    AuditLogsApi(AuditLog audit, Users users, Accounts accounts, Integrations integrations) {
        this.audit = audit;
        this.users = users;
        this.accounts = accounts;
        this.integrations = integrations;
    }

    /** One entry as stored, with the sentence and the local date a person reads. */
    record AuditEntryJson(long id, Optional<UUID> accountId, String actorEmail, Optional<String> actingAs,
                          String action, Optional<String> target, String detail, Instant at, String sentence,
                          String when) {
    }

    @GetMapping
    PageJson<AuditEntryJson> list(Actor actor, @RequestParam(defaultValue = "0") int offset,
                                  @RequestParam(defaultValue = "50") int limit,
                                  @RequestParam Optional<String> actor_email, @RequestParam Optional<String> kind,
                                  @RequestParam Optional<String> from, @RequestParam Optional<String> to) {
        AuditFilter filter = new AuditFilter(actor_email,
                kind.filter(k -> !k.isBlank()).map(k -> AuditKind.parse(k).prefixes).orElse(List.of()),
                from.filter(f -> !f.isBlank()).map(f -> startOf(date("from", f))),
                to.filter(t -> !t.isBlank()).map(t -> startOf(date("to", t).plusDays(1))));
        return list(actor, filter, new PageRequest(offset, limit));
    }

    PageJson<AuditEntryJson> list(Actor actor, AuditFilter filter, PageRequest page) {
        actor.require(UsersApi.managePermission(actor));
        Page<AuditEntry> entries = mspView(actor)
                ? audit.ofMsp(actor.account().id(), filter, page)
                : audit.ofCustomer(actor.account().id(), filter, page);
        AuditSentences sentences = sentences(actor, entries.items());
        PageJson<AuditEntry> json = PageJson.of(entries, "/api/v1/audit_logs");
        return new PageJson<>(json.items().stream().map(e -> new AuditEntryJson(e.id(), e.accountId(), e.actorEmail(),
                e.actingAs(), e.action(), e.target(), e.detail(), e.at(), sentences.sentence(e), sentences.date(e.at())))
                .toList(), json.offset(), json.limit(), json.total(), json.next());
    }

    /** Who appears in the log the actor sees, for the page's filter. */
    List<String> actors(Actor actor) {
        actor.require(UsersApi.managePermission(actor));
        return mspView(actor) ? audit.actorsOfMsp(actor.account().id()) : audit.actorsOfCustomer(actor.account().id());
    }

    ZoneId zone() {
        return zone;
    }

    private static boolean mspView(Actor actor) {
        return actor.account().isMsp() && !actor.managerUser();
    }

    /**
     * Names for one answer, each looked up once, and only when a sentence of the page needs it: the page's actors in
     * one statement, the account's integrations at the first entry that names one (most pages name none).
     */
    private AuditSentences sentences(Actor actor, List<AuditEntry> page) {
        Map<String, String> people = users.displayNames(page.stream().map(AuditEntry::actorEmail).toList());
        Map<UUID, Optional<String>> accountNames = new HashMap<>();
        Map<UUID, String> integrationNames = new HashMap<>();
        boolean[] integrationsRead = {false};
        return new AuditSentences(new AuditSentences.Names(
                email -> Optional.ofNullable(people.get(email)),
                id -> accountNames.computeIfAbsent(id, a -> accounts.find(a).map(Account::name)),
                id -> {
                    if (!integrationsRead[0]) {
                        integrations.of(actor.account().id()).forEach(i -> integrationNames.put(i.id(), i.name()));
                        integrationsRead[0] = true;
                    }
                    return Optional.ofNullable(integrationNames.get(id));
                }), zone);
    }

    private static LocalDate date(String parameter, String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, parameter + " '" + value + "' is not a date such as 2026-12-06");
        }
    }

    private Instant startOf(LocalDate day) {
        return day.atStartOfDay(zone).toInstant();
    }
}
