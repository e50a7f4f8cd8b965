package io.rebill.web.portal;

import io.rebill.billingconfig.BillingPreview;
import io.rebill.billingconfig.BillingRule;
import io.rebill.billingconfig.BillingRules;
import io.rebill.billingconfig.InvalidBillingConfigException;
import io.rebill.billingconfig.ProposedChange;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The seed's Billing Rules screen: the MSP's rules, New Billing Rule for Adjustment, Charge, Credit and Exclusion
 * (and the spec's other kinds), edit, delete, and a preview of the change on the last closed month before saving;
 * and a managed account's Billing Rules tab with "Assign a Billing Rule". The store checks permissions.
 */
@Controller
class BillingRulesPage {
    /** The seed's four first, then the spec's other kinds. */
    static final List<Kind> KINDS = List.of(
            new Kind("adjustment", "Adjustment", "Re-rate a service or category: the customer sees a percentage of the cost."),
            new Kind("charge", "Charge", "An additional charge, such as a management fee."),
            new Kind("credit", "Credit", "A credit, such as an onboarding credit."),
            new Kind("exclusion", "Exclusion", "Remove line items, such as the EDP discount or RI fees."),
            new Kind("uplift", "Uplift", "Add a percentage to the cost."),
            new Kind("discount", "Discount", "Take a percentage off the cost."),
            new Kind("replace_ri_discount", "Replace RI discount", "Reserved Instance usage at the public on-demand price."),
            new Kind("replace_sp_discount", "Replace Savings Plan discount", "Savings Plan usage at the public on-demand price."),
            new Kind("rerate_to_list", "Re-rate to list price", "Usage at public list price."),
            new Kind("remove_free_tier", "Remove free tier", "Free-tier usage at the first paid rate."));

    record Kind(String kind, String label, String help) {
    }

    private final BillingRules rules;

    BillingRulesPage(BillingRules rules) {
        this.rules = rules;
    }

    @GetMapping("/settings/billing-rules")
    String list(Actor actor, Model model) {
        model.addAttribute("rules", rules.rules(actor, new PageRequest(0, 200)).items());
        model.addAttribute("workflows", rules.workflows(actor, new PageRequest(0, 200)).items());
        model.addAttribute("kinds", KINDS);
        model.addAttribute("canEdit", actor.can(Permission.CREATE_MANAGEMENT_RESOURCES));
        return "billing-rules";
    }

    @GetMapping("/settings/billing-rules/new")
    String newRule(Actor actor, @RequestParam String kind, Model model) {
        actor.requireMsp();
        actor.require(Permission.CREATE_MANAGEMENT_RESOURCES);
        Kind k = kind(kind);
        model.addAttribute("form", RuleForm.empty(k.kind()));
        return form(actor, model, k, null);
    }

    @GetMapping("/settings/billing-rules/{id}")
    String edit(Actor actor, @PathVariable UUID id, Model model) {
        BillingRule rule = rules.rule(actor, id);
        model.addAttribute("form", RuleForm.of(rule.definition()).withKeyAndTitle(rule.key(), rule.title()));
        return form(actor, model, kind(rule.kind()), rule);
    }

    /** Saves, or with {@code action=preview} shows what the change would do to the last closed month. */
    @PostMapping({"/settings/billing-rules", "/settings/billing-rules/{id}"})
    String save(Actor actor, @PathVariable(required = false) UUID id, @RequestParam MultiValueMap<String, String> params,
                Model model, RedirectAttributes redirect) {
        RuleForm form = RuleForm.from(params);
        Kind kind = kind(form.kind());
        BillingRule existing = id == null ? null : rules.rule(actor, id);
        model.addAttribute("form", form);
        try {
            if ("preview".equals(params.getFirst("action"))) {
                BillingPreview preview = rules.preview(actor, new ProposedChange(List.of(form.definition()), List.of(),
                        List.of(), List.of(), List.of()), Optional.empty(), 10);
                model.addAttribute("preview", preview);
                return form(actor, model, kind, existing);
            }
            BillingRule saved = id == null ? rules.createRule(actor, form.definition())
                    : rules.replaceRule(actor, id, form.definition());
            redirect.addFlashAttribute("message", "Saved the rule " + saved.key() + ".");
            return "redirect:/settings/billing-rules";
        } catch (InvalidBillingConfigException e) {
            model.addAttribute("problems", e.problems().stream().map(Object::toString).toList());
            return form(actor, model, kind, existing);
        } catch (RebillException e) {
            model.addAttribute("problems", List.of(e.getMessage()));
            return form(actor, model, kind, existing);
        }
    }

    @PostMapping("/settings/billing-rules/{id}/delete")
    String delete(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        try {
            String key = rules.rule(actor, id).key();
            rules.deleteRule(actor, id);
            redirect.addFlashAttribute("message", "Deleted the rule " + key + ".");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/billing-rules";
    }

    /** A workflow: its rules in the order they apply (keys, comma-separated, as the page lists them). */
    @PostMapping({"/settings/workflows", "/settings/workflows/{id}"})
    String saveWorkflow(Actor actor, @PathVariable(required = false) UUID id, @RequestParam(defaultValue = "") String key,
                        @RequestParam(defaultValue = "") String title, @RequestParam(defaultValue = "effective") String basis,
                        @RequestParam(defaultValue = "") String rules, RedirectAttributes redirect) {
        List<String> ordered = Arrays.stream(rules.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
        try {
            if (id == null) {
                this.rules.createWorkflow(actor, Map.of("key", key.strip(), "title", title.strip(), "basis", basis,
                        "rules", ordered));
            } else {
                this.rules.patchWorkflow(actor, id, Map.of("rules", ordered));
            }
            redirect.addFlashAttribute("message", "Saved the workflow.");
        } catch (InvalidBillingConfigException e) {
            redirect.addFlashAttribute("error", String.join("; ", e.problems().stream().map(Object::toString).toList()));
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/billing-rules";
    }

    /** The managed account's "Assign a Billing Rule": exactly the ticked rules, from the chosen period. */
    @PostMapping("/settings/managed-accounts/{account}/billing-rules")
    String assign(Actor actor, @PathVariable UUID account,
                  @RequestParam(name = "rule", required = false) List<String> selected,
                  @RequestParam(defaultValue = "") String from, RedirectAttributes redirect) {
        try {
            var billing = rules.assignRules(actor, account, selected == null ? List.of() : selected,
                    from.isBlank() ? Optional.empty() : Optional.of(io.rebill.shared.time.BillingPeriod.parse(from)),
                    Optional.empty());
            redirect.addFlashAttribute("message", "Saved: " + billing.rules().size() + " billing rule(s) from "
                    + billing.period() + ".");
        } catch (InvalidBillingConfigException e) {
            redirect.addFlashAttribute("error", String.join("; ", e.problems().stream().map(Object::toString).toList()));
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/managed-accounts/" + account + "?tab=billing-rules";
    }

    private String form(Actor actor, Model model, Kind kind, BillingRule existing) {
        model.addAttribute("kind", kind);
        model.addAttribute("existing", existing);
        model.addAttribute("canEdit", actor.can(Permission.CREATE_MANAGEMENT_RESOURCES));
        model.addAttribute("canPreview", actor.can(Permission.VIEW_MANAGED_ACCOUNTS));
        return "billing-rule-form";
    }

    static Kind kind(String kind) {
        return KINDS.stream().filter(k -> k.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new RebillException(io.rebill.shared.errors.ErrorCode.BAD_ARGUMENT, "kind '" + kind
                        + "' is not one of " + KINDS.stream().map(Kind::kind).toList()));
    }

    /** The form's fields, flat; lists are comma-separated. Turned into the rule's msp.yaml mapping by {@link #definition}. */
    record RuleForm(String kind, String key, String title, String start, String end, String when, String services,
                    String categories, String chargeTypes, String chargeCategories, String subAccounts,
                    String percentage, String percent, String purchasedBy, String amount, String percentOfSubtotal,
                    String minimum, String frequency, String invoiceService, String invoiceCategory,
                    String invoiceSubCategory) {
        static RuleForm empty(String kind) {
            return new RuleForm(kind, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "monthly", "", "", "");
        }

        static RuleForm from(MultiValueMap<String, String> p) {
            java.util.function.Function<String, String> f = name -> Optional.ofNullable(p.getFirst(name)).orElse("").strip();
            return new RuleForm(f.apply("kind"), f.apply("key"), f.apply("title"), f.apply("start"), f.apply("end"),
                    f.apply("when"), f.apply("services"), f.apply("categories"), f.apply("charge_types"),
                    f.apply("charge_categories"), f.apply("sub_accounts"), f.apply("percentage"), f.apply("percent"),
                    f.apply("purchased_by"), f.apply("amount"), f.apply("percent_of_subtotal"), f.apply("minimum"),
                    f.apply("frequency"), f.apply("invoice_service"), f.apply("invoice_category"),
                    f.apply("invoice_sub_category"));
        }

        @SuppressWarnings("unchecked")
        static RuleForm of(Map<String, Object> d) {
            Map<String, Object> scope = d.get("scope") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            Map<String, Object> invoice = d.get("invoice") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            return new RuleForm(text(d.get("kind")), text(d.get("id")), text(d.get("title")), text(d.get("start")),
                    text(d.get("end")), text(d.get("when")), text(scope.get("services")), text(scope.get("categories")),
                    text(scope.get("charge_types")), text(scope.get("charge_categories")), text(scope.get("sub_accounts")),
                    text(d.get("percentage")), text(d.get("percent")), text(d.get("purchased_by")), text(d.get("amount")),
                    text(d.get("percent_of_subtotal")), text(d.get("minimum")),
                    d.get("frequency") == null ? "monthly" : text(d.get("frequency")), text(invoice.get("service")),
                    text(invoice.get("category")), text(invoice.get("sub_category")));
        }

        RuleForm withKeyAndTitle(String newKey, String newTitle) {
            return new RuleForm(kind, newKey, newTitle, start, end, when, services, categories, chargeTypes,
                    chargeCategories, subAccounts, percentage, percent, purchasedBy, amount, percentOfSubtotal, minimum,
                    frequency, invoiceService, invoiceCategory, invoiceSubCategory);
        }

        private static String text(Object value) {
            if (value == null) {
                return "";
            }
            if (value instanceof List<?> list) {
                return String.join(", ", list.stream().map(String::valueOf).toList());
            }
            return String.valueOf(value);
        }

        /** The rule as msp.yaml writes it: only the keys that were filled in, so the parser judges the rest. */
        Map<String, Object> definition() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("key", key);
            d.put("title", title);
            d.put("kind", kind);
            put(d, "start", start);
            put(d, "end", end);
            put(d, "when", when);
            Map<String, Object> scope = new LinkedHashMap<>();
            putList(scope, "services", services);
            putList(scope, "categories", categories);
            putList(scope, "charge_types", chargeTypes);
            putList(scope, "charge_categories", chargeCategories);
            putList(scope, "sub_accounts", subAccounts);
            if (!scope.isEmpty()) {
                d.put("scope", scope);
            }
            switch (kind) {
                case "adjustment" -> put(d, "percentage", percentage);
                case "uplift", "discount" -> put(d, "percent", percent);
                case "replace_ri_discount", "replace_sp_discount" -> putList(d, "purchased_by", purchasedBy);
                case "charge", "credit" -> {
                    put(d, "amount", amount);
                    put(d, "percent_of_subtotal", percentOfSubtotal);
                    put(d, "minimum", minimum);
                    put(d, "frequency", frequency);
                    Map<String, Object> invoice = new LinkedHashMap<>();
                    put(invoice, "service", invoiceService);
                    put(invoice, "category", invoiceCategory);
                    put(invoice, "sub_category", invoiceSubCategory);
                    if (!invoice.isEmpty()) {
                        d.put("invoice", invoice);
                    }
                }
                default -> {
                    // exclusion, rerate_to_list, remove_free_tier: scope and when only
                }
            }
            return d;
        }

        private static void put(Map<String, Object> map, String key, String value) {
            if (value != null && !value.isBlank()) {
                map.put(key, value.strip());
            }
        }

        private static void putList(Map<String, Object> map, String key, String value) {
            if (value != null && !value.isBlank()) {
                List<String> items = new ArrayList<>(Arrays.stream(value.split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList());
                map.put(key, items);
            }
        }
    }
}
