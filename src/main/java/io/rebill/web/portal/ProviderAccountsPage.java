package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Accounts;
import io.rebill.web.Amounts;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The provider-account picker of a managed account's Integrations tab (issue 13 item 7): search, status filter and
 * paging on the server (htmx swaps the result table), Save for the rows shown, and Link / Unlink of every account
 * the filter matches. Moving accounts billed to another customer shows a confirmation step first. Every action goes
 * through {@link ProviderAccountsApi}, so permissions, audit and bill runs are the API's.
 */
@Controller
class ProviderAccountsPage {
    static final int PAGE = 100;
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM yyyy", Locale.ENGLISH);

    private final ProviderAccountsApi api;
    private final Accounts accounts;

    ProviderAccountsPage(ProviderAccountsApi api, Accounts accounts) {
        this.api = api;
        this.accounts = accounts;
    }

    record Row(String sub, String name, boolean payer, String cost, String exactCost, String customer,
               boolean mine, boolean other) {
    }

    /** The picker's model for one integration; also used by the Integrations tab's first render. */
    Map<String, Object> picker(Actor actor, UUID customer, UUID integration, String q, String status, int offset) {
        var page = api.list(actor, customer, integration, q, status, Math.max(0, offset), PAGE);
        List<Row> rows = page.items().stream().map(a -> new Row(a.subAccountId(), a.name().orElse(""), a.payer(),
                Amounts.display(new BigDecimal(a.cost()), a.currency()), a.cost() + " " + a.currency(),
                a.linkedHere() ? "This account" : a.customerName().orElse("Not linked"), a.linkedHere(),
                a.customerAccountId().isPresent() && !a.linkedHere())).toList();
        String period = page.items().stream().map(ProviderAccountsApi.ProviderAccountJson::period).findFirst().orElse("");
        Map<String, Object> m = new java.util.HashMap<>();
        m.put("customer", customer.toString());
        m.put("integration", integration.toString());
        m.put("rows", rows);
        m.put("q", q);
        m.put("status", status);
        m.put("offset", offset);
        m.put("total", page.total());
        m.put("totalText", Amounts.count(page.total()));
        m.put("first", page.total() == 0 ? 0 : offset + 1);
        m.put("last", offset + rows.size());
        m.put("previous", offset > 0 ? Math.max(0, offset - PAGE) : -1);
        m.put("next", offset + rows.size() < page.total() ? offset + PAGE : -1);
        m.put("period", period);
        m.put("periodText", period.isEmpty() ? "" : MONTH.format(YearMonth.parse(period)));
        m.put("canConnect", actor.can(Permission.MANAGE_PROVIDER_INTEGRATIONS));
        return m;
    }

    /**
     * htmx: the result table of a search, a status filter or a page. Without htmx (scripts not loaded yet, or off) the
     * search form submits here as a plain GET: the whole tab answers, with the picker open and filtered.
     */
    @GetMapping("/settings/managed-accounts/{id}/provider-accounts")
    String results(Actor actor, @PathVariable UUID id, @RequestParam("integration_id") UUID integration,
                   @RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "all") String status,
                   @RequestParam(defaultValue = "0") int offset,
                   @RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
        if (htmx == null) {
            return "redirect:/settings/managed-accounts/" + id + "?tab=integrations&integration_id=" + integration
                    + "&q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)
                    + "&status=" + java.net.URLEncoder.encode(status, java.nio.charset.StandardCharsets.UTF_8);
        }
        model.addAttribute("p", picker(actor, id, integration, q, status, offset));
        return "managed-account-picker :: picker";
    }

    /**
     * Save: the rows shown ({@code shown}) become linked when checked ({@code sub}) and unlinked when not; or, with
     * {@code action} link-all / unlink-all, every account the filter matches. {@code move} confirms moving accounts
     * away from other customers.
     */
    @PostMapping("/settings/managed-accounts/{id}/provider-accounts")
    String save(Actor actor, @PathVariable UUID id, @RequestParam("integration_id") UUID integration,
                @RequestParam(defaultValue = "save") String action,
                @RequestParam(name = "sub", required = false) List<String> checked,
                @RequestParam(name = "shown", required = false) List<String> shown,
                @RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "all") String status,
                @RequestParam(defaultValue = "") String from, @RequestParam(defaultValue = "false") boolean move,
                Model model, RedirectAttributes redirect) {
        Optional<String> period = from.isBlank() ? Optional.empty() : Optional.of(from.strip());
        Set<String> wanted = new LinkedHashSet<>(checked == null ? List.of() : checked);
        try {
            String done = switch (action) {
                case "link-all" -> linked(api.link(actor, id, request(integration, null, q, status, period, move)));
                case "unlink-all" -> unlinked(api.unlink(actor, id, request(integration, null, q, status, period, false)));
                case "save" -> saveShown(actor, id, integration, wanted, shown, period, move);
                default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "unknown action " + action);
            };
            redirect.addFlashAttribute("message", done);
        } catch (RebillException e) {
            if (e.code() == ErrorCode.IN_USE && !move) {
                // the confirmation step: the same request again, with move
                model.addAttribute("account", accounts.managed(actor.requireMsp(), id));
                model.addAttribute("question", question(e.getMessage()));
                model.addAttribute("integration", integration.toString());
                model.addAttribute("action", action);
                model.addAttribute("checked", List.copyOf(wanted));
                model.addAttribute("shown", shown == null ? List.of() : shown);
                model.addAttribute("q", q);
                model.addAttribute("status", status);
                model.addAttribute("from", from);
                return "managed-account-move";
            }
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/managed-accounts/" + id + "?tab=integrations";
    }

    private String saveShown(Actor actor, UUID id, UUID integration, Set<String> wanted, List<String> shown,
                             Optional<String> period, boolean move) {
        List<String> link = new ArrayList<>(wanted);
        List<String> unlink = (shown == null ? List.<String>of() : shown).stream().filter(s -> !wanted.contains(s)).toList();
        int linked = 0;
        int unlinked = 0;
        String from = "";
        if (!link.isEmpty()) {
            var r = api.link(actor, id, request(integration, link, "", "all", period, move));
            linked = r.changed();
            from = r.from();
        }
        if (!unlink.isEmpty()) {
            var r = api.unlink(actor, id, request(integration, unlink, "", "all", period, false));
            unlinked = r.changed();
            from = r.from();
        }
        long connected = api.list(actor, id, integration, "", "linked", 0, 1).total();
        return "Saved: " + connected + " provider account(s) of " + integrationName(actor, id, integration)
                + " billed to this account" + (from.isEmpty() ? "" : " from " + from) + " (" + linked + " linked, "
                + unlinked + " unlinked).";
    }

    private String integrationName(Actor actor, UUID id, UUID integration) {
        return api.list(actor, id, integration, "", "all", 0, 1).items().stream()
                .map(ProviderAccountsApi.ProviderAccountJson::integrationName).findFirst().orElse("the integration");
    }

    /** The API's 409 in the page's words: periods as "Oct 2026", and the button below instead of the API's flag. */
    static String question(String conflict) {
        String text = conflict.replaceFirst("; confirm the move .*$", ".");
        var m = java.util.regex.Pattern.compile("\\b(\\d{4}-\\d{2})\\b").matcher(text);
        return m.find() ? text.substring(0, m.start()) + MONTH.format(YearMonth.parse(m.group(1))) + text.substring(m.end())
                : text;
    }

    private static String linked(ProviderAccountsApi.ChangeJson r) {
        return "Linked " + Amounts.count(r.changed()) + " provider account(s) from " + r.from()
                + (r.moved() > 0 ? ", " + Amounts.count(r.moved()) + " of them moved from another customer" : "") + ".";
    }

    private static String unlinked(ProviderAccountsApi.ChangeJson r) {
        return "Unlinked " + Amounts.count(r.changed()) + " provider account(s) from " + r.from() + ".";
    }

    private static ProviderAccountsApi.LinkRequest request(UUID integration, List<String> subs, String q, String status,
                                                           Optional<String> from, boolean move) {
        return new ProviderAccountsApi.LinkRequest(integration, Optional.ofNullable(subs),
                subs == null ? Optional.of(new ProviderAccountsApi.MatchingJson(Optional.of(q), Optional.of(status)))
                        : Optional.empty(), from, Optional.of(move));
    }
}
