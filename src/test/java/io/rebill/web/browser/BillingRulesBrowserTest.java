package io.rebill.web.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.web.TinyCur;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.shared.config.RebillSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.nio.file.Path;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The seed's Billing Rules screen in Chromium: New Billing Rule > Adjustment, a bad value refused on the form,
 * the rule assigned on a managed account's Billing Rules tab, then an edit previewed on the last closed month.
 */
@TestPropertySource(properties = "rebill.bootstrap.source=payer-1")
class BillingRulesBrowserTest extends BrowserTest {

    /** Account 111111111111 costs 110.00 in October 2026: 100.00 EC2 and 10.00 S3. */
    @BeforeAll
    static void ingestThePayer() {
        Path file = TinyCur.write(home.resolve("fixture/cur.csv"), List.of(
                TinyCur.line("l-ec2", "111111111111", "Usage", "AmazonEC2", "100.00", "120.00"),
                TinyCur.line("l-s3", "111111111111", "Usage", "AmazonS3", "10.00", "10.00")));
        new Ingestion(RebillSettings.at(home)).ingest("payer-1", List.of(file), ProgressListener.silent());
    }

    private Locator button(String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    @Test
    void createAssignAndPreviewAnAdjustment() {
        signInAsAdmin();
        // a customer billed for every provider account of the payer
        page.navigate("/settings/managed-accounts");
        button("New Managed Account").click();
        page.getByLabel("Account Name").fill("Globex");
        page.getByLabel("Contact Email Address").fill("admin+globex@msp.example");
        button("Create Account").click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Globex")).click();
        Locator payer = page.locator("section[data-integration='Payer account (payer-1)']");
        payer.getByText("Connect", new Locator.GetByTextOptions().setExact(true)).click();
        payer.locator("input[name=sub]").all().forEach(Locator::check);
        payer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        String account = page.url().replaceAll(".*/managed-accounts/([^?]+).*", "$1");

        // New Billing Rule > Adjustment, first with a negative percentage
        page.navigate("/settings/billing-rules");
        page.getByText("New Billing Rule", new Page.GetByTextOptions().setExact(true)).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Adjustment")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("New Adjustment"))).isVisible();
        page.getByLabel("Title").fill("Everything at 90 %");
        page.getByLabel("Key (its id in msp.yaml)").fill("all-90");
        page.getByLabel("Percentage shown to the customer").fill("-5");
        button("Save").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("percentage");
        screenshot("adjustment-refused");

        page.getByLabel("Percentage shown to the customer").fill("90");
        button("Save").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the rule all-90");
        assertThat(page.locator("tr[data-rule='all-90']")).containsText("adjustment");
        screenshot("billing-rules-list");

        // Assign a Billing Rule on the account's Billing Rules tab
        page.navigate("/settings/managed-accounts/" + account + "?tab=billing-rules");
        page.getByText("Assign a Billing Rule").click();
        page.locator("#assign-rules input[value='all-90']").check();
        page.locator("#assign-rules input[name=from]").fill("2026-10");
        page.locator("#assign-rules").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("1 billing rule(s)");
        screenshot("account-billing-rules");

        // edit it to 80 % and preview before saving
        page.navigate("/settings/billing-rules");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Everything at 90 %")).click();
        page.getByLabel("Percentage shown to the customer").fill("80");
        button("Preview on the last closed month").click();
        Locator globex = page.locator("#preview tr[data-customer]").first();
        assertThat(globex).containsText("Globex");
        screenshot("preview");
        // 110.00 of cost at 90 % is 99.00; at 80 % it would be 88.00, and the MSP's margin falls by 11.00
        assertThat(globex.locator("td").nth(1)).hasText("99.00");
        assertThat(globex.locator("td").nth(2)).hasText("88.00");
        assertThat(globex.locator("td").nth(3)).hasText("-11.00");
        assertThat(globex.locator("td").nth(4)).hasText("-11.00");
        assertThat(globex.locator("td").nth(5)).hasText("-22.00");
        // nothing saved: the rule still says 90
        page.navigate("/settings/billing-rules");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Everything at 90 %")).click();
        assertThat(page.getByLabel("Percentage shown to the customer")).hasValue("90");
    }

    private void newRule(String kind, String title, String key, String field, String value) {
        page.navigate("/settings/billing-rules/new?kind=" + kind);
        page.getByLabel("Title").fill(title);
        page.getByLabel("Key (its id in msp.yaml)").fill(key);
        page.getByLabel(field).fill(value);
        button("Save").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the rule " + key);
    }

    @Test
    void aWorkflowOrdersRulesAndTheOrderCanChange() {
        signInAsAdmin();
        newRule("exclusion", "EDP kept by the MSP", "no-edp", "Charge Type", "EdpDiscount");
        newRule("uplift", "Uplift 3 %", "uplift-3", "Percent", "3");

        page.getByLabel("Title", new Page.GetByLabelOptions().setExact(true)).last().fill("Standard");
        page.locator("form[action$='/settings/workflows'] input[name=key]").fill("standard");
        page.locator("form[action$='/settings/workflows'] input[name=rules]").fill("no-edp, uplift-3");
        button("Create workflow").click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the workflow");
        Locator standard = page.locator("tr[data-workflow='standard']");
        assertThat(standard.locator("code").first()).hasText("no-edp → uplift-3");

        standard.getByText("Change the order").click();
        standard.getByLabel("Rules in order").fill("uplift-3, no-edp");
        standard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("tr[data-workflow='standard'] code").first())
                .hasText("uplift-3 → no-edp");
        screenshot("workflow-reordered");

        // a rule a workflow uses cannot be deleted; the refusal names the workflow
        page.onDialog(dialog -> dialog.accept());
        page.getByLabel("Delete no-edp").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("standard");
    }
}
