package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import io.rebill.web.CurrentActor;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The seed's Managed Accounts screens: the list with New Managed Account, Enter Account ->, delete (with the name
 * typed as confirmation) and unlink; one account's Integrations, Billing Rules and Details tabs; entering and
 * returning. Every action goes through the same API controller methods, so permissions and audit are the API's.
 */
@Controller
class ManagedAccountsPage {
    // the month of the tracked spend in the reader's words ("Oct 2026"), as dates are ("6 Dec 2026")
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM yyyy", java.util.Locale.ENGLISH);
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", java.util.Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final ManagedAccountsApi api;
    private final IntegrationsApi integrationsApi;
    private final Accounts accounts;
    private final Integrations integrations;
    private final AuditLog audit;
    private final CurrentActor current;
    private final io.rebill.billingconfig.BillingRules billingRules;
    private final ProviderAccountsPage picker;

    ManagedAccountsPage(ManagedAccountsApi api, IntegrationsApi integrationsApi, Accounts accounts,
                        Integrations integrations, AuditLog audit, CurrentActor current,
                        io.rebill.billingconfig.BillingRules billingRules, ProviderAccountsPage picker) {
        this.billingRules = billingRules;
        this.picker = picker;
        this.api = api;
        this.integrationsApi = integrationsApi;
        this.accounts = accounts;
        this.integrations = integrations;
        this.audit = audit;
        this.current = current;
    }

    record Row(String id, String name, String contactEmail, String created, String spend) {
    }

    @GetMapping("/settings")
    String settings(Actor actor) {
        return actor.account().isMsp() && actor.can(Permission.VIEW_MANAGED_ACCOUNTS)
                ? "redirect:/settings/managed-accounts" : "redirect:/settings/integrations";
    }

    @GetMapping("/settings/managed-accounts")
    String list(Actor actor, @RequestParam(defaultValue = "0") int offset, Model model) {
        var page = api.list(actor, offset, 50);
        model.addAttribute("rows", page.items().stream().map(a -> new Row(a.id().toString(), a.name(), a.contactEmail(),
                DATE.format(a.createdAt()), a.trackedSpend().map(s -> io.rebill.web.Amounts.display(new java.math.BigDecimal(s.amount())) + " in "
                        + MONTH.format(java.time.YearMonth.parse(s.period())))
                .orElse("—"))).toList());
        model.addAttribute("total", page.total());
        model.addAttribute("next", page.next().isPresent() ? offset + page.items().size() : -1);
        model.addAttribute("canManage", actor.can(Permission.MANAGE_MANAGED_ACCOUNTS));
        model.addAttribute("domain", actor.account().emailDomain().orElse(""));
        return "managed-accounts";
    }

    @PostMapping("/settings/managed-accounts")
    String create(Actor actor, @RequestParam String name, @RequestParam("contact_email") String contactEmail,
                  Model model, RedirectAttributes redirect) {
        try {
            var created = api.create(actor, new ManagedAccountsApi.NewManagedAccount(name, contactEmail)).getBody();
            redirect.addFlashAttribute("message", "Created the account " + created.name() + ".");
            return "redirect:/settings/managed-accounts";
        } catch (RebillException e) {
            model.addAttribute("dialogError", e.getMessage());
            model.addAttribute("dialogName", name);
            model.addAttribute("dialogEmail", contactEmail);
            list(actor, 0, model);
            return "managed-accounts";
        }
    }

    @PostMapping("/settings/managed-accounts/{id}/delete")
    String delete(Actor actor, @PathVariable UUID id, @RequestParam(defaultValue = "") String confirm,
                  RedirectAttributes redirect) {
        try {
            String name = accounts.managed(actor.requireMsp(), id).name();
            api.delete(actor, id, new ManagedAccountsApi.Confirmation(confirm));
            redirect.addFlashAttribute("message", "Deleted the account " + name + " and its data.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/managed-accounts";
    }

    @PostMapping("/settings/managed-accounts/{id}/unlink")
    String unlink(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        var unlinked = api.unlink(actor, id);
        redirect.addFlashAttribute("message", "Unlinked " + unlinked.name() + ": the account lives on without you.");
        return "redirect:/settings/managed-accounts";
    }

    /** Seed: "Enter Account ->"; the first visit of an account without integrations lands on Connect Accounts. */
    @PostMapping("/settings/managed-accounts/{id}/enter")
    String enter(Actor actor, @PathVariable UUID id, HttpServletRequest request) {
        Actor inside = MeApi.enter(accounts, audit, actor, id, request);
        boolean connected = !integrations.of(inside.account().id()).isEmpty()
                || !integrations.managedFor(inside.account().id()).isEmpty();
        return connected ? "redirect:/" : "redirect:/settings/integrations";
    }

    /** Seed: the X of the "Logged in as" pop-up, or "Return to MSP account"; a confirmation shows on return. */
    @PostMapping("/return")
    String back(HttpServletRequest request, RedirectAttributes redirect) {
        Actor actor = current.quietly(request);
        String left = actor.account().name();
        boolean wasInside = actor.managerUser();
        Actor home = MeApi.leave(audit, actor, request);
        if (wasInside) {
            redirect.addFlashAttribute("message", "You are back in your MSP account " + home.account().name()
                    + " (you left " + left + ").");
        }
        return home.can(Permission.VIEW_MANAGED_ACCOUNTS) ? "redirect:/settings/managed-accounts" : "redirect:/";
    }

    @GetMapping("/settings/managed-accounts/{id}")
    String account(Actor actor, @PathVariable UUID id, @RequestParam(defaultValue = "integrations") String tab,
                   @RequestParam(name = "integration_id", required = false) UUID open,
                   @RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "all") String status,
                   Model model) {
        var account = api.get(actor, id);
        UUID msp = actor.requireMsp();
        model.addAttribute("account", account);
        model.addAttribute("created", DATE.format(account.createdAt()));
        model.addAttribute("tab", tab);
        model.addAttribute("canManage", actor.can(Permission.MANAGE_MANAGED_ACCOUNTS));
        model.addAttribute("canConnect", actor.can(Permission.MANAGE_PROVIDER_INTEGRATIONS));
        model.addAttribute("period", currentPeriod().toString());
        List<Map<String, Object>> connections = integrations.of(msp).stream()
                .map(i -> connection(actor, i, id, i.id().equals(open) ? q : "", i.id().equals(open) ? status : "all",
                        i.id().equals(open))).toList();
        model.addAttribute("connections", connections);
        if (tab.equals("billing-rules")) {
            var billing = billingRules.accountBilling(actor, id, Optional.empty());
            model.addAttribute("billing", billing);
            model.addAttribute("assignedKeys", billing.rules().stream().map(r -> r.key()).toList());
            model.addAttribute("allRules", billingRules.rules(actor, new PageRequest(0, 200)).items());
            model.addAttribute("canAssign", actor.can(Permission.CREATE_MANAGED_ACCOUNT_RESOURCES));
        }
        return "managed-account";
    }

    /** One integration on the Integrations tab: its status, how many of its accounts bill here, and the picker. */
    private Map<String, Object> connection(Actor actor, Integration integration, UUID customer, String q, String status,
                                           boolean open) {
        var json = integrationsApi.get(actor, integration.id());
        Map<String, Object> shown = picker.picker(actor, customer, integration.id(), q, status, 0);
        long connected = ((Number) picker.picker(actor, customer, integration.id(), "", "linked", 0).get("total"))
                .longValue();
        return Map.of("integration", json, "connected", connected, "picker", shown, "open", open);
    }

    @PostMapping("/settings/managed-accounts/{id}")
    String update(Actor actor, @PathVariable UUID id, @RequestParam String name,
                  @RequestParam("contact_email") String contactEmail, RedirectAttributes redirect) {
        try {
            api.update(actor, id, new ManagedAccountsApi.ManagedAccountChange(Optional.of(name), Optional.of(contactEmail),
                    Optional.empty()));
            redirect.addFlashAttribute("message", "Saved.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/managed-accounts/" + id + "?tab=details";
    }

    static BillingPeriod currentPeriod() {
        return new BillingPeriod(YearMonth.now(ZoneOffset.UTC));
    }

}
