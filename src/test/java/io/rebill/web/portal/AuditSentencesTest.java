package io.rebill.web.portal;

import io.rebill.identity.AuditEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every action recorded today reads as its own sentence naming the person and the object; unknown ones still read. */
class AuditSentencesTest {
    static final UUID NORTHWIND = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID PAYER = UUID.fromString("00000000-0000-0000-0000-000000000002");

    final AuditSentences sentences = new AuditSentences(new AuditSentences.Names(
            email -> email.equals("ana@msp.example") ? Optional.of("Ana Lee") : Optional.empty(),
            id -> id.equals(NORTHWIND) ? Optional.of("Northwind Logistics") : Optional.empty(),
            id -> id.equals(PAYER) ? Optional.of("AWS payer account") : Optional.empty()),
            ZoneId.of("Europe/Berlin"));

    private String say(String action, String target, String detail) {
        return sentences.sentence(new AuditEntry(1, Optional.empty(), "ana@msp.example", Optional.empty(), action,
                Optional.ofNullable(target), detail, Instant.parse("2026-12-06T13:02:00Z")));
    }

    @Test
    void eachRecordedActionHasASentence() {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put(say("user.create", "u", "{\"email\":\"bo@msp.example\",\"role\":\"integration_owner\"}"),
                "Ana Lee added bo@msp.example as Integration Owner");
        expected.put(say("user.update", "u", "{\"email\":\"bo@msp.example\",\"role\":\"editor\"}"),
                "Ana Lee made bo@msp.example an Editor");
        expected.put(say("user.delete", "u", "{\"email\":\"bo@msp.example\"}"), "Ana Lee removed bo@msp.example's access");
        expected.put(say("sso.login", "u", "{\"email\":\"ana@msp.example\"}"), "Ana Lee signed in with single sign-on");
        expected.put(say("sso.create", "a", "{\"email_domain\":\"acme.example\"}"), "Ana Lee set up single sign-on for acme.example");
        expected.put(say("sso.update", "a", "{}"), "Ana Lee changed the single sign-on settings");
        expected.put(say("sso.delete", "a", "{\"email_domain\":\"acme.example\"}"), "Ana Lee turned off single sign-on for acme.example");
        expected.put(say("api_token.create", "t", "{\"name\":\"CI\",\"scope\":\"read\"}"), "Ana Lee created the API token \u201cCI\u201d (read)");
        expected.put(say("api_token.revoke", "t", "{\"name\":\"CI\"}"), "Ana Lee revoked the API token \u201cCI\u201d");
        expected.put(say("integration.create", PAYER.toString(), "{\"name\":\"AWS payer account\",\"provider\":\"aws\"}"),
                "Ana Lee connected the integration AWS payer account");
        expected.put(say("integration.ingest", PAYER.toString(), "{\"rows\":1234567,\"periods\":[\"2026-09\",\"2026-10\"]}"),
                "Ana Lee loaded 1,234,567 line items into AWS payer account (Sep 2026, Oct 2026)");
        expected.put(say("integration.ingest_failed", PAYER.toString(), "{\"error\":\"cur.csv: line 3: bad date\"}"),
                "Ana Lee tried to load AWS payer account, which failed: cur.csv: line 3: bad date");
        expected.put(say("integration.delete", PAYER.toString(), "{\"name\":\"Old payer\"}"),
                "Ana Lee removed the integration Old payer and its data");
        expected.put(say("linked_account.assign", PAYER + "/111122223333",
                        "{\"from\":\"2026-10\",\"customer_account_id\":\"" + NORTHWIND + "\"}"),
                "Ana Lee billed linked account 111122223333 to Northwind Logistics from Oct 2026");
        expected.put(say("linked_account.unassign", PAYER + "/111122223333", "{\"from\":\"2026-10\"}"),
                "Ana Lee took back linked account 111122223333 from Oct 2026");
        expected.put(say("managed_account.create", NORTHWIND.toString(), "{\"name\":\"Northwind Logistics\"}"),
                "Ana Lee created the customer account Northwind Logistics");
        expected.put(say("managed_account.update", NORTHWIND.toString(), "{\"name\":\"Northwind -> Northwind Logistics\"}"),
                "Ana Lee updated the customer account Northwind (now Northwind Logistics)");
        expected.put(say("managed_account.unlink", NORTHWIND.toString(), "{\"name\":\"Northwind Logistics\"}"),
                "Ana Lee unlinked the customer account Northwind Logistics");
        expected.put(say("managed_account.delete", NORTHWIND.toString(), "{\"name\":\"Northwind Logistics\"}"),
                "Ana Lee deleted the customer account Northwind Logistics");
        expected.put(say("account.enter", NORTHWIND.toString(), "{\"name\":\"Northwind Logistics\"}"),
                "Ana Lee entered Northwind Logistics as Manager User");
        expected.put(say("account.return", "m", "{\"name\":\"Demo Cloud Services\"}"), "Ana Lee returned to Demo Cloud Services");
        expected.put(say("billing_rule.create", "r", "{\"key\":\"uplift\",\"kind\":\"uplift\"}"), "Ana Lee created the billing rule uplift");
        expected.put(say("billing_rule.update", "r", "{\"key\":\"uplift-5\",\"was\":\"uplift\"}"),
                "Ana Lee changed the billing rule uplift (now uplift-5)");
        expected.put(say("billing_rule.delete", "r", "{\"key\":\"uplift\"}"), "Ana Lee deleted the billing rule uplift");
        expected.put(say("workflow.create", "w", "{\"key\":\"standard\"}"), "Ana Lee created the workflow standard");
        expected.put(say("workflow.update", "w", "{\"key\":\"standard\",\"was\":\"standard\"}"), "Ana Lee changed the workflow standard");
        expected.put(say("workflow.delete", "w", "{\"key\":\"standard\"}"), "Ana Lee deleted the workflow standard");
        expected.put(say("billing_rules.assign", NORTHWIND.toString(), "{\"account\":\"northwind-logistics\",\"from\":\"2026-11\"}"),
                "Ana Lee set the billing rules of Northwind Logistics from Nov 2026");
        expected.put(say("billing_assignment.set", NORTHWIND.toString(),
                        "{\"account\":\"northwind-logistics\",\"workflow\":\"standard\",\"from\":\"2026-11\"}"),
                "Ana Lee put Northwind Logistics on the workflow standard from Nov 2026");
        expected.put(say("billing_assignment.delete", NORTHWIND.toString(), "{\"account\":\"northwind-logistics\",\"from\":\"2026-11\"}"),
                "Ana Lee removed the workflow of Northwind Logistics from Nov 2026");
        expected.put(say("billing_config.import", "m", "{\"rules\":5,\"workflows\":1,\"assignments\":12,\"customers\":12}"),
                "Ana Lee imported msp.yaml: 5 rules, 1 workflows, 12 assignments for 12 customers");
        expected.put(say("bill_run.request", "r", "{\"period\":\"2026-10\"}"), "Ana Lee ran the bill of October 2026");
        expected.put(say("invoice.issue", "i", "{\"number\":\"INV-2026-000012\",\"customer\":\"Acme\"}"),
                "Ana Lee issued INV-2026-000012 for Acme");
        expected.put(say("invoice.void", "i", "{\"number\":\"INV-2026-000012\",\"customer\":\"Acme\",\"reason\":\"PO missing\"}"),
                "Ana Lee voided INV-2026-000012 for Acme: PO missing");
        expected.put(say("invoice.send", "i", "{\"number\":\"INV-2026-000012\",\"customer\":\"Acme\",\"to\":\"ap@acme.example\",\"delivered\":false}"),
                "Ana Lee sent INV-2026-000012 to ap@acme.example, which failed");
        expected.put(say("billing_period.close", "p", "{\"period\":\"2026-09\"}"), "Ana Lee closed September 2026");
        expected.put(say("billing_details.update", "a", "{\"account\":\"Acme\"}"),
                "Ana Lee changed the billing details of Acme");
        expected.put(say("budget.create", "b", "{\"name\":\"Production\",\"amount\":\"1500.00\",\"currency\":\"USD\",\"account\":\"Acme\"}"),
                "Ana Lee created the budget Production for Acme, USD 1,500.00 a month");
        expected.put(say("budget.update", "b", "{\"name\":\"Prod\",\"was\":\"Production\",\"amount\":\"1200\","
                        + "\"was_amount\":\"1500.00\",\"currency\":\"USD\",\"account\":\"Acme\","
                        + "\"changed\":[\"name\",\"amount\",\"filter\",\"alerts\",\"recipients\"]}"),
                "Ana Lee changed the budget Production (now Prod) for Acme: amount USD 1,200.00 (was USD 1,500.00),"
                        + " what it counts, alerts, recipients");
        expected.put(say("budget.update", "b", "{\"name\":\"Prod\",\"was\":\"Prod\",\"changed\":[]}"),
                "Ana Lee changed the budget Prod");
        expected.put(say("budget.delete", "b", "{\"name\":\"Prod\",\"account\":\"Acme\"}"),
                "Ana Lee deleted the budget Prod for Acme");
        expected.put(say("notification_channel.create", "c", "{\"name\":\"FinOps\",\"kind\":\"teams\",\"account\":\"Acme\"}"),
                "Ana Lee added the Microsoft Teams channel FinOps for Acme");
        expected.put(say("notification_channel.update", "c", "{\"name\":\"FinOps alerts\",\"was\":\"FinOps\","
                        + "\"kind\":\"slack\",\"account\":\"Acme\",\"changed\":[\"name\",\"target\",\"anomaly_alerts\"],"
                        + "\"budget_alerts\":true,\"anomaly_alerts\":false}"),
                "Ana Lee changed the Slack channel FinOps (now FinOps alerts) for Acme: webhook URL, anomaly alerts off");
        expected.put(say("notification_channel.update", "c", "{\"name\":\"Finance\",\"was\":\"Finance\","
                        + "\"kind\":\"email\",\"account\":\"Acme\",\"changed\":[\"target\",\"budget_alerts\"],"
                        + "\"budget_alerts\":false,\"anomaly_alerts\":true}"),
                "Ana Lee changed the email channel Finance for Acme: address, budget alerts off");
        expected.put(say("notification_channel.delete", "c", "{\"name\":\"FinOps\",\"account\":\"Acme\"}"),
                "Ana Lee removed the notification channel FinOps for Acme");
        expected.put(say("cost_report.create", "r", "{\"title\":\"By service\",\"account\":\"Acme\"}"),
                "Ana Lee created the cost report By service for Acme");
        expected.put(say("cost_report.update", "r", "{\"title\":\"Services\",\"was\":\"By service\",\"account\":\"Acme\"}"),
                "Ana Lee changed the cost report By service (now Services) for Acme");
        expected.put(say("cost_report.delete", "r", "{\"title\":\"Services\",\"account\":\"Acme\"}"),
                "Ana Lee deleted the cost report Services for Acme");
        expected.put(say("virtual_tag.create", "t", "{\"key\":\"Team\",\"rules\":1,\"account\":\"Acme\"}"),
                "Ana Lee created the virtual tag Team for Acme (1 rule)");
        expected.put(say("virtual_tag.update", "t", "{\"key\":\"Teams\",\"was\":\"Team\",\"rules\":3,\"account\":\"Acme\"}"),
                "Ana Lee changed the virtual tag Team (now Teams) for Acme (3 rules)");
        expected.put(say("virtual_tag.delete", "t", "{\"key\":\"Teams\",\"account\":\"Acme\"}"),
                "Ana Lee deleted the virtual tag Teams for Acme");
        expected.forEach((actual, wanted) -> assertThat(actual).isEqualTo(wanted));
    }

    @Test
    void anUnknownActionStillReadsAsWordsWithItsDetail() {
        assertThat(say("invoice.reopen", "i", "{\"number\":\"INV-2026-000012\",\"customer\":\"Acme\"}"))
                .isEqualTo("Ana Lee: invoice reopen (number INV-2026-000012, customer Acme)");
        assertThat(say("something_new.happened", null, "not json")).isEqualTo("Ana Lee: something new happened");
    }

    @Test
    void datesAreLocalDayMonthYearAndTimeAndUnknownPeopleKeepTheirEmail() {
        assertThat(sentences.date(Instant.parse("2026-12-06T13:02:00Z"))).isEqualTo("6 Dec 2026 14:02");
        AuditEntry managerUser = new AuditEntry(2, Optional.empty(), "Manager User", Optional.of("Manager User"),
                "user.delete", Optional.of("u"), "{\"email\":\"x@acme.example\"}", Instant.EPOCH);
        assertThat(sentences.sentence(managerUser)).isEqualTo("Manager User removed x@acme.example's access");
        AuditEntry staff = new AuditEntry(3, Optional.empty(), "bo@msp.example", Optional.of("Manager User"),
                "user.delete", Optional.of("u"), "{\"email\":\"x@acme.example\"}", Instant.EPOCH);
        assertThat(sentences.sentence(staff)).isEqualTo("bo@msp.example (as Manager User) removed x@acme.example's access");
    }
}
