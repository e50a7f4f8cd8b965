package io.rebill.web.budgets;

import io.rebill.budgets.AlertThreshold;
import io.rebill.budgets.Anomaly;
import io.rebill.budgets.Budget;
import io.rebill.budgets.BudgetFilter;
import io.rebill.budgets.BudgetStatus;
import io.rebill.budgets.Budgets;
import io.rebill.budgets.Channel;
import io.rebill.budgets.ChannelChange;
import io.rebill.budgets.ChannelKind;
import io.rebill.budgets.Delivery;
import io.rebill.budgets.Measure;
import io.rebill.budgets.NewBudget;
import io.rebill.budgets.NewChannel;
import io.rebill.budgets.Notifications;
import io.rebill.identity.Actor;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Budgets, notification channels, deliveries and anomalies of the account the caller acts in (issue 12 item 5).
 * Amounts are exact decimals as strings; a webhook URL is never returned in full.
 */
@RestController
@RequestMapping("/api/v1")
class BudgetsApi {
    private final Budgets budgets;
    private final Notifications notifications;

    BudgetsApi(Budgets budgets, Notifications notifications) {
        this.budgets = budgets;
        this.notifications = notifications;
    }

    record AlertJson(String basis, String percent, Optional<Instant> firedAt, Optional<String> firedAtFigure) {
    }

    record BudgetJson(UUID id, String name, String amount, String currency, String measure,
                      Map<String, List<String>> filters, List<AlertJson> alerts, List<UUID> recipients,
                      String createdBy, Instant createdAt,
                      String period, String monthToDate, Optional<String> forecast, String percentUsed,
                      Optional<String> forecastPercent, boolean monthComplete) {
        static BudgetJson of(BudgetStatus s) {
            Budget b = s.budget();
            List<AlertJson> alerts = b.alerts().stream().map(t -> {
                var fired = s.fired().stream().filter(f -> f.threshold().equals(t)).findFirst();
                return new AlertJson(t.basis().key(), t.percent().toPlainString(),
                        fired.map(BudgetStatus.FiredAlert::firedAt),
                        fired.map(f -> f.figure().toPlainString()));
            }).toList();
            return new BudgetJson(b.id(), b.name(), b.amount().toPlainString(), b.currency(), b.measure().key(),
                    b.filter().byKey(), alerts, b.recipients(), b.createdBy(), b.createdAt(), s.period().toString(),
                    s.monthToDate().toPlainString(), s.forecast().map(BigDecimal::toPlainString),
                    s.percentUsed().toPlainString(), s.forecastPercent().map(BigDecimal::toPlainString),
                    s.monthComplete());
        }
    }

    record BudgetListJson(String period, List<String> periods, List<BudgetJson> items) {
    }

    record NewAlertJson(String basis, String percent) {
    }

    record NewBudgetJson(String name, String amount, Optional<String> measure, Map<String, List<String>> filters,
                         List<NewAlertJson> alerts, List<UUID> recipients) {
        NewBudgetJson {
            measure = measure == null ? Optional.empty() : measure; // absent from the body
        }
    }

    @GetMapping("/budgets")
    BudgetListJson list(Actor actor, @RequestParam Optional<String> period) {
        Optional<BillingPeriod> p = period.map(BillingPeriod::parse);
        List<BudgetStatus> all = budgets.list(actor, p);
        List<String> periods = budgets.periods(actor).stream().map(BillingPeriod::toString).toList();
        String shown = all.isEmpty() ? p.map(BillingPeriod::toString).orElse(periods.isEmpty() ? null
                : periods.getFirst()) : all.getFirst().period().toString();
        return new BudgetListJson(shown, periods, all.stream().map(BudgetJson::of).toList());
    }

    @PostMapping("/budgets")
    ResponseEntity<BudgetJson> create(Actor actor, @RequestBody NewBudgetJson body) {
        Budget created = budgets.create(actor, request(body));
        return ResponseEntity.status(HttpStatus.CREATED).body(BudgetJson.of(budgets.get(actor, created.id(),
                Optional.empty())));
    }

    /** Replaces what the user set (the body of a POST; an absent measure keeps the budget's). */
    @PutMapping("/budgets/{id}")
    BudgetJson update(Actor actor, @PathVariable UUID id, @RequestBody NewBudgetJson body) {
        budgets.update(actor, id, request(body));
        return BudgetJson.of(budgets.get(actor, id, Optional.empty()));
    }

    private static NewBudget request(NewBudgetJson body) {
        return new NewBudget(body.name(), decimal(body.amount(), "amount"),
                body.measure().map(Measure::parse), body.filters() == null ? BudgetFilter.NONE
                : BudgetFilter.of(body.filters()), body.alerts() == null ? List.of() : body.alerts().stream()
                .map(a -> new AlertThreshold(AlertThreshold.Basis.parse(a.basis()), decimal(a.percent(),
                        "alerts.percent"))).toList(), body.recipients() == null ? List.of() : body.recipients());
    }

    @GetMapping("/budgets/{id}")
    BudgetJson get(Actor actor, @PathVariable UUID id, @RequestParam Optional<String> period) {
        return BudgetJson.of(budgets.get(actor, id, period.map(BillingPeriod::parse)));
    }

    @DeleteMapping("/budgets/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        budgets.delete(actor, id);
        return ResponseEntity.noContent().build();
    }

    record ChannelJson(UUID id, String name, String kind, String target, boolean budgetAlerts, boolean anomalyAlerts,
                       String createdBy, Instant createdAt) {
        static ChannelJson of(Channel c) {
            return new ChannelJson(c.id(), c.name(), c.kind().key(), c.shownTarget(), c.budgetAlerts(),
                    c.anomalyAlerts(), c.createdBy(), c.createdAt());
        }
    }

    record NewChannelJson(String name, String kind, String target, Optional<Boolean> budgetAlerts,
                          Optional<Boolean> anomalyAlerts) {
        NewChannelJson {
            budgetAlerts = budgetAlerts == null ? Optional.empty() : budgetAlerts; // absent from the body
            anomalyAlerts = anomalyAlerts == null ? Optional.empty() : anomalyAlerts;
        }
    }

    record ItemsJson<T>(List<T> items) {
    }

    @GetMapping("/notification_channels")
    ItemsJson<ChannelJson> channels(Actor actor) {
        return new ItemsJson<>(notifications.channels(actor).stream().map(ChannelJson::of).toList());
    }

    @PostMapping("/notification_channels")
    ResponseEntity<ChannelJson> createChannel(Actor actor, @RequestBody NewChannelJson body) {
        Channel created = notifications.create(actor, new NewChannel(body.name(), ChannelKind.parse(body.kind()),
                body.target(), body.budgetAlerts().orElse(true), body.anomalyAlerts().orElse(true)));
        return ResponseEntity.status(HttpStatus.CREATED).body(ChannelJson.of(created));
    }

    @GetMapping("/notification_channels/{id}")
    ChannelJson channel(Actor actor, @PathVariable UUID id) {
        return ChannelJson.of(notifications.channel(actor, id));
    }

    /** A blank or absent target keeps the saved one; absent switches stay as they are (docs/budgets.md). */
    @PutMapping("/notification_channels/{id}")
    ChannelJson updateChannel(Actor actor, @PathVariable UUID id, @RequestBody NewChannelJson body) {
        return ChannelJson.of(notifications.update(actor, id, new ChannelChange(body.name(),
                Optional.ofNullable(body.kind()).filter(k -> !k.isBlank()).map(ChannelKind::parse),
                Optional.ofNullable(body.target()), body.budgetAlerts(), body.anomalyAlerts())));
    }

    @DeleteMapping("/notification_channels/{id}")
    ResponseEntity<Void> deleteChannel(Actor actor, @PathVariable UUID id) {
        notifications.delete(actor, id);
        return ResponseEntity.noContent().build();
    }

    record DeliveryJson(UUID id, UUID channelId, String channelName, String kind, String subject, String status,
                        int attempts, Optional<String> lastError, Instant createdAt, Optional<Instant> deliveredAt,
                        Optional<Instant> nextAttemptAt) {
        static DeliveryJson of(Delivery d) {
            return new DeliveryJson(d.id(), d.channelId(), d.channelName(), d.kind().key(), d.subject(),
                    d.status().key(), d.attempts(), d.lastError(), d.createdAt(), d.deliveredAt(), d.nextAttemptAt());
        }
    }

    @GetMapping("/notifications")
    ItemsJson<DeliveryJson> deliveries(Actor actor) {
        return new ItemsJson<>(notifications.deliveries(actor).stream().map(DeliveryJson::of).toList());
    }

    @GetMapping("/notifications/{id}")
    DeliveryJson delivery(Actor actor, @PathVariable UUID id) {
        return DeliveryJson.of(notifications.delivery(actor, id));
    }

    record AnomalyJson(String service, LocalDate day, String currency, String amount, String baseline,
                       String deviation) {
    }

    @GetMapping("/anomalies")
    ItemsJson<AnomalyJson> anomalies(Actor actor) {
        return new ItemsJson<>(notifications.anomalies(actor).stream().map((Anomaly a) -> new AnomalyJson(a.service(),
                a.day(), a.currency(), a.amount().toPlainString(), a.baseline().toPlainString(),
                a.deviation().toPlainString())).toList());
    }

    static BigDecimal decimal(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " is missing; write it as a decimal string such"
                    + " as \"1500.00\"");
        }
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " '" + text + "' is not a decimal number");
        }
    }
}
