package io.rebill.web.costs;

import io.rebill.costs.VirtualTag;
import io.rebill.costs.VirtualTags;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.invoicing.BillRuns;
import io.rebill.shared.errors.RebillException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The Virtual tags page (issue 12 item 4): the account's virtual tags, each in a form that changes it (its ordered
 * rules and two empty rows to add more), and a form for a new one. A change asks the MSP's bill runs to run again,
 * as the API does, so the reports follow.
 */
@Controller
class VirtualTagsPage {
    private static final int EMPTY_ROWS = 2;
    private final VirtualTags tags;
    private final BillRuns billRuns;

    VirtualTagsPage(VirtualTags tags, BillRuns billRuns) {
        this.tags = tags;
        this.billRuns = billRuns;
    }

    record TagView(String id, String key, List<VirtualTag.Rule> rules, String createdBy, String updated,
                   String problem) {
    }

    @GetMapping("/reports/virtual-tags")
    String list(Actor actor, Model model) {
        model.addAttribute("tags", tags.list(actor).stream().map(t -> {
            List<VirtualTag.Rule> rows = new ArrayList<>(t.rules());
            for (int i = 0; i < EMPTY_ROWS; i++) {
                rows.add(new VirtualTag.Rule("", ""));
            }
            return new TagView(t.id().toString(), t.key(), rows, t.createdBy(),
                    Display.day(LocalDate.ofInstant(t.updatedAt(), java.time.ZoneOffset.UTC)), t.problem().orElse(null));
        }).toList());
        model.addAttribute("newRows", List.of(1, 2, 3));
        model.addAttribute("canEdit", actor.can(actor.account().isMsp() ? Permission.CREATE_MANAGEMENT_RESOURCES
                : Permission.CREATE_ACCOUNT_RESOURCES));
        return "virtual-tags";
    }

    @PostMapping("/reports/virtual-tags")
    String create(Actor actor, @RequestParam MultiValueMap<String, String> form, RedirectAttributes redirect) {
        return attempt(actor, redirect, () -> tags.create(actor, form.getFirst("key"), rules(form)),
                "Created the virtual tag; the reports show it once the bill run that was asked for has finished.");
    }

    @PostMapping("/reports/virtual-tags/{id}")
    String update(Actor actor, @PathVariable UUID id, @RequestParam MultiValueMap<String, String> form,
                  RedirectAttributes redirect) {
        return attempt(actor, redirect, () -> tags.update(actor, id, form.getFirst("key"), rules(form)),
                "Saved; the reports follow once the bill run that was asked for has finished.");
    }

    @PostMapping("/reports/virtual-tags/{id}/delete")
    String delete(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        return attempt(actor, redirect, () -> tags.delete(actor, id), "Deleted the virtual tag.");
    }

    private String attempt(Actor actor, RedirectAttributes redirect, Runnable change, String done) {
        try {
            change.run();
            (actor.account().isMsp() ? java.util.Optional.of(actor.account().id()) : actor.account().mspId())
                    .ifPresent(billRuns::configurationChanged);
            redirect.addFlashAttribute("message", done);
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/reports/virtual-tags";
    }

    /** The form's rows in order; a row with neither condition nor value is left out. */
    static List<VirtualTag.Rule> rules(MultiValueMap<String, String> form) {
        List<String> conditions = form.getOrDefault("condition", List.of());
        List<String> values = form.getOrDefault("value", List.of());
        List<VirtualTag.Rule> rules = new ArrayList<>();
        for (int i = 0; i < Math.max(conditions.size(), values.size()); i++) {
            String c = i < conditions.size() ? conditions.get(i).strip() : "";
            String v = i < values.size() ? values.get(i).strip() : "";
            if (!c.isEmpty() || !v.isEmpty()) {
                rules.add(new VirtualTag.Rule(c, v));
            }
        }
        return rules;
    }
}
