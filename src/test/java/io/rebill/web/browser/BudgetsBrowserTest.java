package io.rebill.web.browser;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.web.PortalClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The Budgets and Notifications pages in Chromium (issue 12 item 5): the MSP makes a budget with the page's form,
 * another on its cost through the API, a bill run fires their alerts, and the page shows month to date, % used,
 * forecast, the fired alerts and the chart; a channel whose receiver cannot be reached shows as Failed with the
 * reason. Screenshots in target/screenshots/BudgetsBrowserTest/.
 */
class BudgetsBrowserTest extends BrowserTest {
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void bootstrap(DynamicPropertyRegistry registry) throws Exception {
        List<List<String>> lines = new ArrayList<>();
        for (int day = 1; day <= 31; day++) {
            lines.add(october(day, "ec2-acme-" + day, "111111111111", "AmazonEC2", (300 + day * 7) + ".25"));
            lines.add(october(day, "rds-acme-" + day, "111111111111", "AmazonRDS", (120 + day % 5 * 9) + ".10"));
            lines.add(october(day, "ec2-globex-" + day, "222222222222", "AmazonEC2", (900 + day * 11) + ".00"));
        }
        bootstrapTwoCustomers(registry, lines, """
                rules:
                  - id: uplift
                    title: Uplift 3 %
                    kind: uplift
                    percent: 3
                workflows:
                  - id: standard
                    title: 3 % uplift
                    rules: [uplift]
                assignments:
                  - customer: acme-corp
                    workflow: standard
                    from: 2026-10
                  - customer: globex
                    workflow: standard
                    from: 2026-10
                """);
        registry.add("rebill.notifications.allow-http-loopback", () -> "true");
        registry.add("rebill.notifications.poll-ms", () -> "200");
        registry.add("rebill.notifications.retry-base-ms", () -> "100");
        registry.add("rebill.notifications.max-attempts", () -> "2");
    }

    @Test
    void theMspMakesABudgetAndSeesItsFiguresAlertsAndChart() {
        PortalClient api = PortalClient.signIn(port, ADMIN, ADMIN_PASSWORD);
        org.assertj.core.api.Assertions.assertThat(api.post("/api/v1/budgets", Map.of("name", "Our AWS cost",
                "amount", "45000", "measure", "cost", "alerts", List.of(Map.of("basis", "actual", "percent", "100"))))
                .status()).isEqualTo(201);
        // a channel nobody listens on: its deliveries fail, and the page says why
        org.assertj.core.api.Assertions.assertThat(api.post("/api/v1/notification_channels", Map.of("name",
                "Ops webhook", "kind", "slack", "target", "http://127.0.0.1:9/hook")).status()).isEqualTo(201);

        signInAsAdmin();
        page.navigate("/budgets");
        page.getByLabel("Name").fill("Production");
        page.getByLabel("Monthly amount").fill("60000");
        page.getByLabel("Alert at % of actual spend").fill("50, 80, 100");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create budget")).click();
        assertThat(page.locator("p.alert.ok")).containsText("Budget Production created.");

        // a bill run of October fires what the figures reach
        org.assertj.core.api.Assertions.assertThat(api.post("/api/v1/bill_runs", Map.of("period", "2026-10"))
                .status()).isEqualTo(202);
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline && !api.get("/api/v1/budgets").text().contains("fired_at\":\"")) {
            page.waitForTimeout(300);
        }
        page.navigate("/budgets");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Budgets October 2026")))
                .isVisible();
        assertThat(page.locator("#budgets")).containsText("Production");
        assertThat(page.locator("#budgets")).containsText("USD 60,000.00");
        assertThat(page.locator("#budgets")).containsText("Our AWS cost");
        assertThat(page.locator("#budgets .alert-chip.fired").first()).isVisible();
        assertThat(page.locator("#budgets")).containsText("month complete");
        page.waitForFunction("() => typeof Chart !== 'undefined' && Chart.getChart('budgets-chart') !== undefined"
                + " && Chart.getChart('budgets-chart').data.labels.length === 2");
        screenshot("msp-budgets");

        // edit it: the form opens filled in; a new amount and one recipient are saved, Created By stays
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit budget Production")).click();
        assertThat(page.getByLabel("Monthly amount")).hasValue("60000");
        page.getByLabel("Monthly amount").fill("70000");
        page.getByLabel("Ops webhook (slack)").check();
        screenshot("edit-budget");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save budget")).click();
        assertThat(page.locator("p.alert.ok")).containsText("Budget Production saved.");
        assertThat(page.locator("#budgets")).containsText("USD 70,000.00");
        org.assertj.core.api.Assertions.assertThat(api.get("/api/v1/budgets").body().path("items").valueStream()
                .filter(b -> b.path("name").asString().equals("Production")).findFirst().orElseThrow()
                .path("recipients")).hasSize(1);

        page.navigate("/settings/notifications");
        page.waitForFunction("() => document.querySelector('#deliveries') !== null");
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until && !page.locator("#deliveries").innerText().contains("Failed")) {
            page.waitForTimeout(300);
            page.reload();
        }
        assertThat(page.locator("#deliveries")).containsText("Failed");
        assertThat(page.locator("#deliveries")).containsText("the webhook could not be reached: its server refused the connection");
        assertThat(page.locator("#channels")).containsText("http://127.0.0.1:9/…");
        screenshot("notifications");

        // edit the channel: the form never shows its URL, and a blank one keeps it
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit channel Ops webhook")).click();
        assertThat(page.getByLabel("Name")).hasValue("Ops webhook");
        assertThat(page.getByLabel("Webhook URL")).hasValue("");
        assertThat(page.getByLabel("Webhook URL")).hasAttribute("placeholder", "Leave blank to keep http://127.0.0.1:9/…");
        page.getByLabel("Name").fill("Ops webhook (retired)");
        page.getByLabel("Cost anomalies").uncheck();
        screenshot("edit-channel");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save channel")).click();
        assertThat(page.locator("p.alert.ok")).containsText("Channel Ops webhook (retired) saved.");
        assertThat(page.locator("#channels")).containsText("Ops webhook (retired)");
        assertThat(page.locator("#channels")).containsText("http://127.0.0.1:9/…");
        assertThat(page.locator("#channels")).not().containsText("Budgets and anomalies");
    }
}
