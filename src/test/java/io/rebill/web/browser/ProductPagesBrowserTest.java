package io.rebill.web.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 6 in Chromium: sources by their integration's name (never the internal id or a server folder),
 * amounts with separators, roles as the seed names them, the audit log as sentences with local dates and filters.
 */
class ProductPagesBrowserTest extends BrowserTest {

    @Test
    void sourcesRolesAndTheAuditLogReadLikeAProduct() {
        signInAsAdmin();

        // an integration connected in the portal: its data lives in a source with an internal id (int-<uuid>)
        page.navigate("/settings/integrations");
        Locator folderForm = page.locator("form").filter(new Locator.FilterOptions().setHasText("Read a folder on the server"));
        String folderRoot = folderForm.locator("code").textContent();
        TinyCur.write(Path.of(folderRoot, "cur", "cur-2026-10.csv"), List.of(
                TinyCur.line("a", "111111111111", "Usage", "AmazonEC2", "12345.678", "13000.00"),
                TinyCur.line("b", "222222222222", "Usage", "AmazonS3", "0.5", "0.5")));
        folderForm.getByLabel("Name", new Locator.GetByLabelOptions().setExact(true)).fill("AWS payer 4321");
        folderForm.getByLabel("Folder with the billing files").fill("cur");
        folderForm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Connect folder")).click();
        Locator integration = page.locator("section[data-integration='AWS payer 4321']");
        integration.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Read files now")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("AWS payer 4321");
        screenshot("integrations");

        page.navigate("/");
        Locator source = page.locator("section.source");
        assertThat(source.locator("h2")).hasText("AWS payer 4321");
        assertThat(source.locator(".status")).hasText("Stable");
        assertThat(source).containsText("12,346.18");
        assertThat(source.locator(".source-head")).containsText(java.util.regex.Pattern.compile("updated \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}"));
        assertThat(page.locator("main").textContent()).doesNotContain("int-").doesNotContain(folderRoot);
        screenshot("sources");
        source.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("2026-10")).click();
        assertThat(page.locator("h1")).containsText("AWS payer 4321");
        assertThat(page.locator("main")).containsText("billed USD 12,346.18");
        assertThat(page.locator("table.costs thead")).containsText("effective cost (USD)");
        assertThat(page.locator("table.costs tfoot")).containsText("USD 12,346.18");
        assertThat(page.locator("main").textContent()).doesNotContain("int-");
        screenshot("costs");

        page.navigate("/settings/users");
        page.getByLabel("Email").fill("ana@msp.example");
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Ana Lee");
        page.locator("form[action$='/settings/users'] select[name=role]").selectOption("Integration Owner");
        page.getByLabel("Initial password").fill("ana-password-1234");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add user")).click();
        Locator ana = page.locator("tr[data-user='ana@msp.example'] select[name=role] option:checked");
        assertThat(ana).hasText("Integration Owner");
        screenshot("users");

        page.navigate("/settings/audit-log");
        Locator rows = page.locator("table.audit tbody tr");
        assertThat(rows.first()).containsText("MSP Admin added ana@msp.example as Integration Owner");
        assertThat(page.locator("table.audit")).containsText("MSP Admin connected the integration AWS payer 4321");
        assertThat(page.locator("table.audit")).containsText("MSP Admin loaded 2 line items into AWS payer 4321 (Oct 2026)");
        assertThat(rows.first().locator("time")).hasText(java.util.regex.Pattern.compile("\\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}"));
        screenshot("audit-log");

        page.getByLabel("What").selectOption("Integrations and linked accounts");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
        assertThat(rows).hasCount(2);
        assertThat(page.locator("table.audit")).not().containsText("ana@msp.example");
        screenshot("audit-log-filtered");
    }
}
