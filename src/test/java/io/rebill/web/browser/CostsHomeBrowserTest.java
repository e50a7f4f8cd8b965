package io.rebill.web.browser;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.TestData;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import io.rebill.tenancy.AccountKind;
import io.rebill.web.PortalClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The home pages in Chromium (issue 12): the MSP's (cost, charge and margin this month and last, per customer, the
 * unassigned cost, charts) and a customer's, as its own finance person sees it (month to date, forecast, last
 * month, change, top services, the daily chart, its issued invoice with the PDF link) with no cost or margin on it.
 * Screenshots in target/screenshots/CostsHomeBrowserTest/.
 */
class CostsHomeBrowserTest extends BrowserTest {
    static final String CUSTOMER = "finance@acme.example";
    static final String CUSTOMER_PASSWORD = "acme-finance-password-1";

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Integrations integrations;
    @Autowired
    Ingestion ingestion;

    @DynamicPropertySource
    static void bootstrap(DynamicPropertyRegistry registry) throws Exception {
        List<List<String>> lines = new ArrayList<>();
        for (int day = 1; day <= 31; day++) {
            lines.add(october(day, "ec2-acme-" + day, "111111111111", "AmazonEC2", (300 + day * 7) + ".25"));
            lines.add(october(day, "rds-acme-" + day, "111111111111", "AmazonRDS", (120 + day % 5 * 9) + ".10"));
            lines.add(october(day, "s3-acme-" + day, "111111111111", "AmazonS3", "42.80"));
            lines.add(october(day, "cf-acme-" + day, "111111111111", "AmazonCloudFront", "18.35"));
            lines.add(october(day, "ec2-globex-" + day, "222222222222", "AmazonEC2", (900 + day * 11) + ".00"));
        }
        lines.add(october(12, "ec2-nobody", "333333333333", "AmazonEC2", "7.00"));
        bootstrapTwoCustomers(registry, lines, """
                rules:
                  - id: cloudfront
                    title: CloudFront at 90 %
                    kind: adjustment
                    percentage: 90
                    scope:
                      services: [AmazonCloudFront]
                  - id: uplift
                    title: Uplift 3 %
                    kind: uplift
                    percent: 3
                  - id: management-fee
                    title: Management fee
                    kind: charge
                    amount: 250
                    frequency: monthly
                    invoice:
                      service: Managed services
                      category: MSP Fee
                workflows:
                  - id: standard
                    title: 3 % uplift and a management fee
                    rules: [cloudfront, uplift, management-fee]
                assignments:
                  - customer: acme-corp
                    workflow: standard
                    from: 2026-10
                  - customer: globex
                    workflow: standard
                    from: 2026-10
                """);
    }

    @Test
    void theMspsHomeShowsCostChargeAndMarginPerCustomer() {
        signInAsAdmin();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Overview October 2026")))
                .isVisible();
        assertThat(page.locator("#home-customers")).containsText("Acme Corp");
        assertThat(page.locator("#home-customers")).containsText("Globex");
        assertThat(page.locator("#unassigned-cost")).hasText("USD 7.00");
        assertThat(page.locator("#kpis")).containsText("Margin");
        page.waitForFunction("() => typeof Chart !== 'undefined' && Chart.getChart('customer-charge-chart') !== undefined"
                + " && Chart.getChart('customer-margin-chart').data.labels.length === 2");
        // the sources list stays on the MSP's home, and at /sources
        assertThat(page.locator("#source-payer-1")).isVisible();
        screenshot("msp-home");
        // one margin for a month: the home's first Cost and Margin cards are the Billing page's (customers only; the
        // unassigned cost named beside), never cost-with-unassigned against charge
        String homeCost = page.locator("#kpis .kpi").nth(0).locator("strong").innerText();
        String homeMargin = page.locator("#kpis .kpi").nth(2).locator("strong").innerText();
        assertThat(page.locator("#kpis .kpi").nth(0)).containsText("plus USD 7.00 unassigned");
        page.navigate("/billing?period=2026-10");
        assertThat(page.locator("section.kpis .kpi").nth(0).locator("strong")).hasText(homeCost);
        assertThat(page.locator("section.kpis .kpi").nth(2).locator("strong")).hasText(homeMargin);
    }

    @Test
    void aCustomersHomeShowsItsChargesAndInvoicesButNoCostOrMargin() {
        UUID acme = jdbc.sql("SELECT id FROM account WHERE key = 'acme-corp'").query(UUID.class).single();
        if (users.findByEmail(CUSTOMER).isEmpty()) {
            users.addMember(acme, AccountKind.CUSTOMER, CUSTOMER, "Fay Finance", Optional.of(CUSTOMER_PASSWORD),
                    Role.VIEWER, "test");
        }
        PortalClient admin = PortalClient.signIn(port, ADMIN, ADMIN_PASSWORD);
        JsonNode drafts = admin.get("/api/v1/invoices?status=draft&customer=" + acme).body();
        for (JsonNode draft : drafts.path("items")) {
            int status = admin.post("/api/v1/invoices/" + draft.path("id").asString() + "/issue", null).status();
            org.assertj.core.api.Assertions.assertThat(status).isEqualTo(200);
        }

        signIn(CUSTOMER, CUSTOMER_PASSWORD);
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your cloud costs October 2026")))
                .isVisible();
        assertThat(page.locator("#kpis")).containsText("Forecast for October");
        assertThat(page.locator("#kpis")).containsText("month complete");
        assertThat(page.locator("#top-services")).containsText("AmazonEC2");
        assertThat(page.locator("#top-services")).containsText("Managed services");
        assertThat(page.locator("#home-invoices")).containsText("Issued");
        assertThat(page.locator("#home-invoices")).containsText("October 2026");
        assertThat(page.locator("#home-invoices a")).hasAttribute("href",
                java.util.regex.Pattern.compile("/api/v1/invoices/[0-9a-f-]+/pdf"));
        page.waitForFunction("() => typeof Chart !== 'undefined' && Chart.getChart('daily-chart') !== undefined"
                + " && Chart.getChart('daily-chart').data.labels.length === 31");
        String text = page.locator("main").innerText();
        org.assertj.core.api.Assertions.assertThat(text).doesNotContainIgnoringCase("margin")
                .doesNotContain("Globex").doesNotContain("CloudFront at 90").doesNotContain("Cost")
                .doesNotContain("Your own integrations");
        screenshot("customer-home");
    }

    /**
     * Issue 12 item 1: Globex's own integration (the FOCUS 1.0 sample's September 2024 lines moved to October 2026,
     * EffectiveCost 14.97651418586, summed outside Rebill) shows on its home beside the re-billed month, as the
     * provider's cost.
     */
    @Test
    void aCustomersHomeShowsItsOwnIntegrationsCostBesideTheRebilledCharge() throws Exception {
        UUID globex = jdbc.sql("SELECT id FROM account WHERE key = 'globex'").query(UUID.class).single();
        String owner = "owner@globex.example";
        if (users.findByEmail(owner).isEmpty()) {
            users.addMember(globex, AccountKind.CUSTOMER, owner, "Gus Globex", Optional.of(CUSTOMER_PASSWORD),
                    Role.OWNER, "test");
        }
        String october = Files.readAllLines(TestData.shared("focus-1.0-sample/focus_sample.csv"), StandardCharsets.UTF_8)
                .stream().filter(line -> !line.contains("\"2024-11-01 00:00:00\",\"2024-10-01 00:00:00\""))
                .map(line -> line.replace("2024-10-01 00:00:00", "2026-11-01 00:00:00").replace("2024-09-", "2026-10-"))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        Path file = Files.writeString(Files.createTempFile("globex-own-", ".csv"), october);
        Integration own = integrations.create(globex, "focus", "Globex's own FOCUS export", Optional.empty(), "test");
        ingestion.ingest(own.sourceName(), List.of(file), ProgressListener.silent());

        signIn(owner, CUSTOMER_PASSWORD);
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions()
                .setName("Your own integrations October 2026"))).isVisible();
        assertThat(page.locator("#own-integrations strong")).hasText("USD 14.98");
        assertThat(page.locator("#own-integrations strong")).hasAttribute("title", "USD 14.97651418586");
        assertThat(page.locator("#own-integrations")).containsText("not a charge from your MSP");
        assertThat(page.locator("#own-integration-costs")).containsText("Globex's own FOCUS export");
        assertThat(page.locator("#own-integration-services tbody tr").first()).containsText("Amazon Elastic Compute Cloud");
        assertThat(page.locator("#own-integration-services tbody tr").first()).containsText("USD 13.00");
        page.locator("#own-integrations").scrollIntoViewIfNeeded();
        screenshot("customer-home-own-integrations");

        // its cost reports include them by default, told apart from the MSP's charge by Source
        page.navigate("/reports");
        com.microsoft.playwright.Locator form = page.locator("#new-report");
        com.microsoft.playwright.Locator.GetByLabelOptions exact =
                new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true);
        assertThat(form.getByLabel("Include my own integrations")).isChecked();
        form.getByLabel("Title", exact).fill("October by source");
        form.getByLabel("Date range").selectOption("custom");
        form.getByLabel("From", exact).fill("2026-10-01");
        form.getByLabel("To", exact).fill("2026-10-31");
        form.getByLabel("Granularity").selectOption("day");
        form.getByLabel("Group by").selectOption("source");
        form.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions()
                .setName("Create report")).click();
        page.waitForLoadState();
        assertThat(page.locator("#report-table")).containsText("Globex's own FOCUS export");
        assertThat(page.locator("#report-table")).containsText("Billed by ");
        assertThat(page.locator("#report-table")).containsText("USD 14.98");
        page.waitForFunction("() => typeof Chart !== 'undefined' && Chart.getChart('report-chart') !== undefined"
                + " && Chart.getChart('report-chart').data.labels.length === 31"
                + " && Chart.getChart('report-chart').data.datasets.length === 2");
        screenshot("customer-report-own-integrations");
    }
}
