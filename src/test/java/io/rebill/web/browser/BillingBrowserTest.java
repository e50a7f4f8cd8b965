package io.rebill.web.browser;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.web.TinyCur;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * Billing in Chromium as an MSP's finance person uses it: the first bill was run inside the application at setup,
 * so the Billing page shows margins and drafts at sign-in; the bill is run again with the button (progress, then
 * Billed); a draft is issued and its PDF downloaded and read back; the invoice list shows it Issued.
 */
class BillingBrowserTest extends BrowserTest {

    @DynamicPropertySource
    static void bootstrap(DynamicPropertyRegistry registry) throws Exception {
        List<List<String>> lines = List.of(
                TinyCur.line("l-ec2-acme", "111111111111", "Usage", "AmazonEC2", "1000.00", "1200.00"),
                TinyCur.line("l-s3-acme", "111111111111", "Usage", "AmazonS3", "210.40", "210.40"),
                TinyCur.line("l-ec2-globex", "222222222222", "Usage", "AmazonEC2", "4500.00", "5000.00"),
                TinyCur.line("l-rds-globex", "222222222222", "Usage", "AmazonRDS", "1234.56", "1300.00"),
                TinyCur.line("l-ec2-nobody", "333333333333", "Usage", "AmazonEC2", "7.00", "7.00"));
        bootstrapTwoCustomers(registry, lines, """
                rules:
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
                    rules: [uplift, management-fee]
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
    void runABillIssueAnInvoiceAndDownloadItsPdf() throws Exception {
        signInAsAdmin();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Billing").setExact(true)).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Billing October 2026")))
                .isVisible();
        Locator acme = page.locator("tr[data-customer='Acme Corp']");
        // (1,000.00 + 210.40) x 1.03 + 250 fee; cost 1,210.40
        assertThat(acme).containsText("USD 1,210.40");
        assertThat(acme).containsText("USD 1,496.71");
        assertThat(acme).containsText("Draft");
        assertThat(page.locator("#run-status")).containsText("Billed");
        assertThat(page.locator(".kpi").nth(3)).containsText("USD 7.00");
        // the charts are drawn by chart.js, served from its WebJar
        org.assertj.core.api.Assertions.assertThat(page.request().get("/webjars/chart.js/4.4.1/dist/chart.umd.js")
                .status()).isEqualTo(200);
        page.waitForFunction("() => typeof Chart !== 'undefined' && Chart.getChart('margin-chart') !== undefined"
                + " && Chart.getChart('service-chart').data.labels.length === 4");
        screenshot("billing-period");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Run bill")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Billing October 2026 now");
        assertThat(page.locator("#run-status")).containsText("Billed", new com.microsoft.playwright.assertions
                .LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        assertThat(page.locator("#run-status")).containsText("run by MSP Admin");

        acme.getByRole(AriaRole.LINK).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Draft invoice Draft")))
                .isVisible();
        assertThat(page.locator("#lines")).containsText("AmazonEC2");
        assertThat(page.locator("#lines tfoot")).containsText("USD 1,496.71");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Issue invoice")).click();
        String number = "INV-" + LocalDate.now(ZoneOffset.UTC).getYear() + "-000001";
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Issued " + number);
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Invoice " + number)))
                .isVisible();
        screenshot("invoice-issued");

        Download download = page.waitForDownload(() -> page.locator("#download-pdf").click());
        org.assertj.core.api.Assertions.assertThat(download.suggestedFilename()).isEqualTo(number + ".pdf");
        byte[] pdf = Files.readAllBytes(download.path());
        try (PDDocument document = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(document);
            org.assertj.core.api.Assertions.assertThat(text).contains(number, "Acme Corp", "AmazonEC2", "USD 1,030.00",
                    "AmazonS3", "USD 216.71", "Managed services", "USD 250.00", "USD 1,496.71");
        }

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Invoices").setExact(true)).first().click();
        assertThat(page.locator("#invoices tr[data-customer='Acme Corp']")).containsText("Issued");
        assertThat(page.locator("#invoices tr[data-customer='Globex']")).containsText("Draft");
        screenshot("invoices");
    }
}
