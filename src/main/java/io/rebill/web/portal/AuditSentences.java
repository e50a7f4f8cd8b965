package io.rebill.web.portal;

import io.rebill.identity.AuditEntry;
import io.rebill.identity.Role;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * An audit entry as a sentence a person reads: who (their name), what, on which object (its name, never an id),
 * e.g. "Ana Lee created the customer account Northwind Logistics". Every action recorded today has its own
 * sentence; an action this class does not know still reads as "Ana Lee: invoice issue (number INV-1)". Dates are
 * "6 Dec 2026 14:02" in one zone (the server's default, see docs/portal.md).
 */
final class AuditSentences {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH);

    /** How names are found: a person's display name by email, an account's or integration's name by id. */
    record Names(Function<String, Optional<String>> person, Function<UUID, Optional<String>> account,
                 Function<UUID, Optional<String>> integration) {
    }

    private final Names names;
    private final ZoneId zone;
    private final DateTimeFormatter dates;

    AuditSentences(Names names, ZoneId zone) {
        this.names = names;
        this.zone = zone;
        this.dates = DATE.withZone(zone);
    }

    String date(Instant at) {
        return dates.format(at);
    }

    String who(AuditEntry e) {
        String person = names.person().apply(e.actorEmail()).filter(n -> !n.isBlank()).orElse(e.actorEmail());
        return e.actingAs().isPresent() && !person.equals(e.actingAs().get())
                ? person + " (as " + e.actingAs().get() + ")" : person;
    }

    String sentence(AuditEntry e) {
        JsonNode d = detail(e.detail());
        String who = who(e);
        return switch (e.action()) {
            case "user.create" -> who + " added " + text(d, "email") + " as " + role(d)
                    + ("sso".equals(text(d, "via")) ? " (first sign-in with single sign-on)" : "");
            case "user.update" -> who + " made " + text(d, "email") + " " + article(role(d)) + " " + role(d);
            case "user.delete" -> who + " removed " + text(d, "email") + "'s access";
            case "user.invite_again" -> who + " sent the invitation of " + text(d, "email") + " again";
            case "user.accept_invitation" -> who + " accepted the invitation as " + role(d);
            case "sso.login" -> who + " signed in with single sign-on";
            case "sso.create" -> who + " set up single sign-on" + forDomain(d);
            case "sso.update" -> who + " changed the single sign-on settings" + forDomain(d);
            case "sso.delete" -> who + " turned off single sign-on" + forDomain(d);
            case "api_token.create" -> who + " created the API token " + quoted(text(d, "name"))
                    + (d.has("scope") ? " (" + text(d, "scope") + ")" : "");
            case "api_token.revoke" -> who + " revoked the API token " + quoted(text(d, "name"));
            case "integration.create" -> who + " connected the integration " + text(d, "name");
            case "integration.ingest" -> who + " loaded " + count(d, "rows") + " line items into "
                    + integration(e, d) + periods(d);
            case "integration.ingest_failed" -> who + " tried to load " + integration(e, d) + ", which failed: "
                    + text(d, "error");
            case "integration.delete" -> who + " removed the integration " + integration(e, d) + " and its data";
            case "linked_account.assign" -> who + " billed linked account " + subAccount(e) + " to "
                    + customer(d) + " from " + month(text(d, "from"));
            case "linked_account.unassign" -> who + " took back linked account " + subAccount(e) + " from "
                    + month(text(d, "from"));
            case "managed_account.create" -> who + " created the customer account " + text(d, "name");
            case "managed_account.update" -> who + " updated the customer account " + renamed(text(d, "name"));
            case "managed_account.unlink" -> who + " unlinked the customer account " + text(d, "name");
            case "managed_account.delete" -> who + " deleted the customer account " + text(d, "name");
            case "account.enter" -> who + " entered " + text(d, "name") + " as Manager User";
            case "account.return" -> who + " returned to " + text(d, "name");
            case "billing_rule.create" -> who + " created the billing rule " + text(d, "key");
            case "billing_rule.update" -> who + " changed the billing rule " + renamedKey(d);
            case "billing_rule.delete" -> who + " deleted the billing rule " + text(d, "key");
            case "workflow.create" -> who + " created the workflow " + text(d, "key");
            case "workflow.update" -> who + " changed the workflow " + renamedKey(d);
            case "workflow.delete" -> who + " deleted the workflow " + text(d, "key");
            case "billing_rules.assign" -> who + " set the billing rules of " + account(e, d) + " from "
                    + month(text(d, "from"));
            case "billing_assignment.set" -> who + " put " + account(e, d) + " on the workflow " + text(d, "workflow")
                    + " from " + month(text(d, "from"));
            case "billing_assignment.delete" -> who + " removed the workflow of " + account(e, d) + " from "
                    + month(text(d, "from"));
            case "billing_config.import" -> who + " imported msp.yaml: " + count(d, "rules") + " rules, "
                    + count(d, "workflows") + " workflows, " + count(d, "assignments") + " assignments for "
                    + count(d, "customers") + " customers";
            case "bill_run.request" -> who + " ran the bill of " + period(d);
            case "invoice.issue" -> who + " issued " + text(d, "number") + " for " + text(d, "customer");
            case "invoice.void" -> who + " voided " + text(d, "number") + " for " + text(d, "customer") + ": "
                    + text(d, "reason");
            case "invoice.send" -> who + " sent " + text(d, "number") + " to " + text(d, "to")
                    + (d.path("delivered").asBoolean(true) ? "" : ", which failed");
            case "billing_period.close" -> who + " closed " + period(d);
            case "billing_details.update" -> who + " changed the billing details of " + text(d, "account");
            case "exchange_rate.set" -> who + " set the exchange rate of " + text(d, "currency") + " for "
                    + period(d) + " to " + text(d, "rate") + " " + text(d, "to");
            case "exchange_rate.delete" -> who + " removed the exchange rate of " + text(d, "currency") + " for "
                    + period(d);
            case "provider_accounts.link" -> who + " billed " + count(d, "count") + " provider account(s) to "
                    + account(e, d) + " from " + month(text(d, "from"))
                    + (d.path("moved").asInt(0) > 0 ? ", " + count(d, "moved") + " moved from other customers" : "");
            case "provider_accounts.unlink" -> who + " took back " + count(d, "count") + " provider account(s) from "
                    + account(e, d) + " from " + month(text(d, "from"));
            case "cost_report.create" -> who + " created the cost report " + text(d, "title") + in(d);
            case "cost_report.update" -> who + " changed the cost report " + renamedTitle(d) + in(d);
            case "cost_report.delete" -> who + " deleted the cost report " + text(d, "title") + in(d);
            case "virtual_tag.create" -> who + " created the virtual tag " + text(d, "key") + in(d) + rules(d);
            case "virtual_tag.update" -> who + " changed the virtual tag " + renamedKey(d) + in(d) + rules(d);
            case "virtual_tag.delete" -> who + " deleted the virtual tag " + text(d, "key") + in(d);
            case "budget.create" -> who + " created the budget " + text(d, "name") + in(d) + ", "
                    + money(d, "amount") + " a month";
            case "budget.update" -> who + " changed the budget " + renamedName(d) + in(d) + budgetChanges(d);
            case "budget.delete" -> who + " deleted the budget " + text(d, "name") + in(d);
            case "notification_channel.create" -> who + " added the " + channelKind(d) + " channel "
                    + text(d, "name") + in(d);
            case "notification_channel.update" -> who + " changed the " + channelKind(d) + " channel "
                    + renamedName(d) + in(d) + channelChanges(d);
            case "notification_channel.delete" -> who + " removed the notification channel " + text(d, "name")
                    + in(d);
            default -> unknown(who, e.action(), d);
        };
    }

    // ---- pieces ----

    private static JsonNode detail(String text) {
        try {
            JsonNode node = JSON.readTree(text == null || text.isBlank() ? "{}" : text);
            return node.isObject() ? node : JSON.createObjectNode();
        } catch (RuntimeException e) {
            return JSON.createObjectNode();
        }
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.path(field);
        return v.isMissingNode() || v.isNull() ? "?" : v.isValueNode() ? v.asString() : v.toString();
    }

    private static String count(JsonNode d, String field) {
        JsonNode v = d.path(field);
        return v.isIntegralNumber() ? String.format(Locale.ROOT, "%,d", v.asLong()) : text(d, field);
    }

    private static String role(JsonNode d) {
        try {
            return Role.fromDb(text(d, "role")).label();
        } catch (IllegalArgumentException e) {
            return text(d, "role");
        }
    }

    private static String article(String word) {
        return "aeiouAEIOU".indexOf(word.isEmpty() ? 'x' : word.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String quoted(String name) {
        return "\u201c" + name + "\u201d";
    }

    /** "2026-10" as "October 2026". */
    private static String period(JsonNode d) {
        try {
            java.time.YearMonth month = java.time.YearMonth.parse(text(d, "period"));
            return month.getMonth().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH) + " "
                    + month.getYear();
        } catch (java.time.format.DateTimeParseException e) {
            return text(d, "period");
        }
    }

    private static String forDomain(JsonNode d) {
        return d.has("email_domain") ? " for " + text(d, "email_domain") : "";
    }

    private static String periods(JsonNode d) {
        List<String> months = new ArrayList<>();
        d.path("periods").forEach(p -> months.add(month(p.asString())));
        return months.isEmpty() ? "" : " (" + String.join(", ", months) + ")";
    }

    /** {@code 2026-10} -> {@code Oct 2026}; anything else as it is. */
    static String month(String period) {
        try {
            return java.time.YearMonth.parse(period).format(DateTimeFormatter.ofPattern("MMM yyyy", Locale.ENGLISH));
        } catch (RuntimeException e) {
            return period;
        }
    }

    private static String renamed(String change) {
        int arrow = change.indexOf(" -> ");
        if (arrow < 0) {
            return change;
        }
        String before = change.substring(0, arrow);
        String after = change.substring(arrow + 4);
        return before.equals(after) ? after : before + " (now " + after + ")";
    }

    /** " for Acme": the account the resource belongs to, when the entry names it. */
    private static String in(JsonNode d) {
        return d.has("account") ? " for " + text(d, "account") : "";
    }

    private static String money(JsonNode d, String field) {
        try {
            return io.rebill.shared.money.DisplayAmounts.display(new java.math.BigDecimal(text(d, field)),
                    text(d, "currency"));
        } catch (RuntimeException e) {
            return text(d, field);
        }
    }

    private static String renamedName(JsonNode d) {
        String name = text(d, "name");
        return d.has("was") && !text(d, "was").equals(name) ? text(d, "was") + " (now " + name + ")" : name;
    }

    private static String renamedTitle(JsonNode d) {
        String title = text(d, "title");
        return d.has("was") && !text(d, "was").equals(title) ? text(d, "was") + " (now " + title + ")" : title;
    }

    private static String rules(JsonNode d) {
        return d.has("rules") ? " (" + count(d, "rules") + (d.path("rules").asInt() == 1 ? " rule)" : " rules)") : "";
    }

    /** ": amount USD 1,200.00 (was USD 1,500.00), alerts, recipients" for what an edit changed besides the name. */
    private static String budgetChanges(JsonNode d) {
        List<String> parts = new ArrayList<>();
        d.path("changed").forEach(c -> {
            switch (c.asString()) {
                case "name" -> { }
                case "amount" -> parts.add("amount " + money(d, "amount") + " (was " + money(d, "was_amount") + ")");
                case "filter" -> parts.add("what it counts");
                default -> parts.add(c.asString());
            }
        });
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    /** ": webhook URL, budget alerts off" for what a channel edit changed besides the name (never the target). */
    private static String channelChanges(JsonNode d) {
        List<String> parts = new ArrayList<>();
        d.path("changed").forEach(c -> {
            switch (c.asString()) {
                case "name" -> { }
                case "target" -> parts.add(text(d, "kind").equals("email") ? "address" : "webhook URL");
                case "budget_alerts" -> parts.add("budget alerts " + (d.path("budget_alerts").asBoolean() ? "on" : "off"));
                case "anomaly_alerts" -> parts.add("anomaly alerts " + (d.path("anomaly_alerts").asBoolean() ? "on"
                        : "off"));
                default -> parts.add(c.asString());
            }
        });
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    private static String channelKind(JsonNode d) {
        return switch (text(d, "kind")) {
            case "email" -> "email";
            case "slack" -> "Slack";
            case "teams" -> "Microsoft Teams";
            default -> text(d, "kind");
        };
    }

    private static String renamedKey(JsonNode d) {
        String key = text(d, "key");
        return d.has("was") && !text(d, "was").equals(key) ? text(d, "was") + " (now " + key + ")" : key;
    }

    private String integration(AuditEntry e, JsonNode d) {
        return d.has("name") ? text(d, "name") : uuid(e.target().orElse("")).flatMap(names.integration())
                .orElse("an integration");
    }

    private String account(AuditEntry e, JsonNode d) {
        return uuid(e.target().orElse("")).flatMap(names.account()).orElse(text(d, "account"));
    }

    private String customer(JsonNode d) {
        String id = text(d, "customer_account_id");
        return uuid(id).flatMap(names.account()).orElse("none".equals(id) ? "no customer (the MSP keeps it)" : "a customer account");
    }

    private static String subAccount(AuditEntry e) {
        String target = e.target().orElse("");
        return target.substring(target.indexOf('/') + 1);
    }

    private static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An action without a sentence of its own: its code as words, and what the detail says. */
    private static String unknown(String who, String action, JsonNode d) {
        List<String> facts = new ArrayList<>();
        d.properties().forEach(f -> facts.add(f.getKey().replace('_', ' ') + " " + text(d, f.getKey())));
        return who + ": " + action.replace('.', ' ').replace('_', ' ')
                + (facts.isEmpty() ? "" : " (" + String.join(", ", facts) + ")");
    }
}
