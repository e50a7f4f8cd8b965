package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.invoicing.BillRuns;
import io.rebill.linking.PickerFilter;
import io.rebill.linking.ProviderAccount;
import io.rebill.linking.ProviderAccounts;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The provider-account picker of a managed account (issue 13 item 7) as an API: the MSP's provider accounts with
 * cost, payer mark and current customer, searched and paged on the server; linking and unlinking a selection or
 * every account a filter matches. Moving accounts away from another customer needs {@code "move": true}; without it
 * the answer is 409 naming them and their customers. Listing needs View Managed Accounts; changing needs Manage
 * Provider Integrations too, as assigning one linked account does. Every change asks for a bill run.
 */
@RestController
@RequestMapping("/api/v1/managed_accounts/{id}/provider_accounts")
class ProviderAccountsApi {
    private static final int AUDITED_IDS = 50;

    private final ProviderAccounts providerAccounts;
    private final AuditLog audit;
    private final BillRuns billRuns;

    ProviderAccountsApi(ProviderAccounts providerAccounts, AuditLog audit, BillRuns billRuns) {
        this.providerAccounts = providerAccounts;
        this.audit = audit;
        this.billRuns = billRuns;
    }

    /** Money leaves the API as exact decimal strings. */
    record ProviderAccountJson(UUID integrationId, String integrationName, String subAccountId, Optional<String> name,
                               boolean payer, String period, String cost, String currency,
                               Optional<UUID> customerAccountId, Optional<String> customerName, boolean linkedHere) {
        static ProviderAccountJson of(ProviderAccount a, UUID customer) {
            return new ProviderAccountJson(a.integrationId(), a.integrationName(), a.subAccountId(), a.name(), a.payer(),
                    a.period(), a.cost().stripTrailingZeros().toPlainString(), a.currency(), a.customerId(), a.customerName(),
                    a.customerId().filter(customer::equals).isPresent());
        }
    }

    /** Every account the filter matches, instead of a list of ids (select-all of a search). */
    record MatchingJson(Optional<String> q, Optional<String> status) {
    }

    record LinkRequest(UUID integrationId, Optional<List<String>> subAccountIds, Optional<MatchingJson> allMatching,
                       Optional<String> from, Optional<Boolean> move) {
    }

    record ChangeJson(int changed, int moved, int unchanged, String from) {
    }

    @GetMapping
    PageJson<ProviderAccountJson> list(Actor actor, @PathVariable UUID id,
                                       @RequestParam(name = "integration_id", required = false) UUID integration,
                                       @RequestParam(defaultValue = "") String q,
                                       @RequestParam(defaultValue = "all") String status,
                                       @RequestParam(defaultValue = "0") int offset,
                                       @RequestParam(defaultValue = "50") int limit) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        PickerFilter filter = new PickerFilter(Optional.ofNullable(integration), q, PickerFilter.Status.parse(status));
        var page = providerAccounts.search(msp, id, filter, new PageRequest(offset, limit));
        // the next page keeps the filter
        Optional<String> next = page.hasMore() ? Optional.of("/api/v1/managed_accounts/" + id + "/provider_accounts?"
                + (integration == null ? "" : "integration_id=" + integration + "&")
                + "q=" + java.net.URLEncoder.encode(filter.query(), java.nio.charset.StandardCharsets.UTF_8)
                + "&status=" + filter.status().apiName() + "&offset=" + (page.offset() + page.items().size())
                + "&limit=" + page.limit()) : Optional.empty();
        return new PageJson<>(page.items().stream().map(a -> ProviderAccountJson.of(a, id)).toList(), page.offset(),
                page.limit(), page.total(), next);
    }

    @PostMapping("/link")
    ChangeJson link(Actor actor, @PathVariable UUID id, @RequestBody LinkRequest body) {
        UUID msp = requireChange(actor);
        LinkRequest r = checked(body);
        var change = providerAccounts.link(msp, id, r.integrationId(), selection(r), r.from().map(BillingPeriod::parse),
                r.move().orElse(false), actor.createdBy());
        return recorded(actor, msp, id, "provider_accounts.link", r, change);
    }

    @PostMapping("/unlink")
    ChangeJson unlink(Actor actor, @PathVariable UUID id, @RequestBody LinkRequest body) {
        UUID msp = requireChange(actor);
        LinkRequest r = checked(body);
        var change = providerAccounts.unlink(msp, id, r.integrationId(), selection(r), r.from().map(BillingPeriod::parse),
                actor.createdBy());
        return recorded(actor, msp, id, "provider_accounts.unlink", r, change);
    }

    private ChangeJson recorded(Actor actor, UUID msp, UUID customer, String action, LinkRequest r,
                                ProviderAccounts.Change change) {
        if (change.changed() > 0) {
            List<String> ids = change.subAccountIds();
            audit.record(actor, action, customer.toString(), Map.of("integration_id", r.integrationId().toString(),
                    "from", change.from().toString(), "count", change.changed(), "moved", change.moved(),
                    "sub_account_ids", ids.size() > AUDITED_IDS ? ids.subList(0, AUDITED_IDS) : ids));
            // which customer an account bills to is billing configuration: drafts follow it
            billRuns.configurationChanged(msp);
        }
        return new ChangeJson(change.changed(), change.moved(), change.unchanged(), change.from().toString());
    }

    private static UUID requireChange(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        actor.require(Permission.MANAGE_PROVIDER_INTEGRATIONS);
        return msp;
    }

    private static LinkRequest checked(LinkRequest body) {
        if (body == null || body.integrationId() == null) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "integration_id is required");
        }
        Optional<List<String>> ids = body.subAccountIds() == null ? Optional.empty() : body.subAccountIds();
        Optional<MatchingJson> all = body.allMatching() == null ? Optional.empty() : body.allMatching();
        if (ids.isPresent() == all.isPresent()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "send either sub_account_ids (a list) or all_matching"
                    + " ({\"q\": ..., \"status\": ...}), not both nor neither");
        }
        return new LinkRequest(body.integrationId(), ids, all, body.from() == null ? Optional.empty() : body.from(),
                body.move() == null ? Optional.empty() : body.move());
    }

    private static ProviderAccounts.Selection selection(LinkRequest r) {
        if (r.subAccountIds().isPresent()) {
            return new ProviderAccounts.Selection.Named(r.subAccountIds().get());
        }
        MatchingJson m = r.allMatching().orElseThrow();
        return new ProviderAccounts.Selection.Matching(new PickerFilter(Optional.of(r.integrationId()),
                m.q() == null ? "" : m.q().orElse(""),
                PickerFilter.Status.parse(m.status() == null ? "all" : m.status().orElse("all"))));
    }
}
