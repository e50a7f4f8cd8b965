package io.rebill.web.budgets;

import io.rebill.budgets.Channel;
import io.rebill.budgets.ChannelChange;
import io.rebill.budgets.ChannelKind;
import io.rebill.budgets.Delivery;
import io.rebill.budgets.NewChannel;
import io.rebill.budgets.Notifications;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.RebillException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Optional;
import java.util.UUID;

/**
 * Settings > Notifications: the account's channels (email, Slack, Microsoft Teams) and its recent deliveries, a
 * failed one with the reason. Webhook URLs show only their host.
 */
@Controller
class NotificationsPage {
    private final Notifications notifications;

    NotificationsPage(Notifications notifications) {
        this.notifications = notifications;
    }

    record ChannelRow(String id, String name, String kind, String target, String alerts, String createdBy) {
    }

    record DeliveryRow(String channel, String subject, String status, String statusKey, String attempts,
                       String when, String reason) {
    }

    /** The channel being edited, as the form shows it: a webhook's URL is never put back into the page. */
    record Editing(String id, String name, String kind, String kindLabel, String target, String targetHint,
                   boolean budgetAlerts, boolean anomalyAlerts) {
    }

    @GetMapping("/settings/notifications")
    String show(Actor actor, @RequestParam(name = "edit", required = false) UUID edit, Model model) {
        if (edit != null) {
            Channel c = notifications.channel(actor, edit);
            boolean email = c.kind() == ChannelKind.EMAIL;
            model.addAttribute("editing", new Editing(c.id().toString(), c.name(), c.kind().key(), c.kind().label(),
                    email ? c.target() : "", email ? "" : "Leave blank to keep " + c.shownTarget(), c.budgetAlerts(),
                    c.anomalyAlerts()));
        }
        model.addAttribute("channels", notifications.channels(actor).stream().map(c -> new ChannelRow(
                c.id().toString(), c.name(), c.kind().label(), c.shownTarget(),
                c.budgetAlerts() && c.anomalyAlerts() ? "Budgets and anomalies" : c.budgetAlerts() ? "Budgets"
                        : c.anomalyAlerts() ? "Anomalies" : "None", c.createdBy())).toList());
        model.addAttribute("deliveries", notifications.deliveries(actor).stream().map(NotificationsPage::row).toList());
        model.addAttribute("canCreate", actor.can(actor.account().isMsp() ? Permission.CREATE_MANAGEMENT_RESOURCES
                : Permission.CREATE_ACCOUNT_RESOURCES));
        return "notifications";
    }

    private static DeliveryRow row(Delivery d) {
        String when = switch (d.status()) {
            case DELIVERED -> d.deliveredAt().map(BudgetsPage.TIME::format).orElse("");
            case PENDING -> d.nextAttemptAt().map(t -> "next attempt " + BudgetsPage.TIME.format(t)).orElse("");
            case FAILED -> BudgetsPage.TIME.format(d.createdAt());
        };
        return new DeliveryRow(d.channelName() + " (" + d.kind().label() + ")", d.subject(), d.status().label(),
                d.status().key(), Integer.toString(d.attempts()), when, d.lastError().orElse(""));
    }

    @PostMapping("/settings/notifications")
    String create(Actor actor, @RequestParam String name, @RequestParam String kind, @RequestParam String target,
                  @RequestParam(name = "budget_alerts", defaultValue = "false") boolean budgetAlerts,
                  @RequestParam(name = "anomaly_alerts", defaultValue = "false") boolean anomalyAlerts,
                  RedirectAttributes redirect) {
        try {
            notifications.create(actor, new NewChannel(name, ChannelKind.parse(kind), target, budgetAlerts,
                    anomalyAlerts));
            redirect.addFlashAttribute("message", "Channel " + name.strip() + " added.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/notifications";
    }

    @PostMapping("/settings/notifications/{id}")
    String update(Actor actor, @PathVariable UUID id, @RequestParam String name,
                  @RequestParam(defaultValue = "") String target,
                  @RequestParam(name = "budget_alerts", defaultValue = "false") boolean budgetAlerts,
                  @RequestParam(name = "anomaly_alerts", defaultValue = "false") boolean anomalyAlerts,
                  RedirectAttributes redirect) {
        try {
            Channel saved = notifications.update(actor, id, new ChannelChange(name, Optional.empty(),
                    Optional.of(target), Optional.of(budgetAlerts), Optional.of(anomalyAlerts)));
            redirect.addFlashAttribute("message", "Channel " + saved.name() + " saved.");
            return "redirect:/settings/notifications";
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
            return "redirect:/settings/notifications?edit=" + id;
        }
    }

    @PostMapping("/settings/notifications/{id}/delete")
    String delete(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        notifications.delete(actor, id);
        redirect.addFlashAttribute("message", "Channel removed.");
        return "redirect:/settings/notifications";
    }
}
