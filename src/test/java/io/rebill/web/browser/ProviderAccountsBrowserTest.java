package io.rebill.web.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.shared.config.RebillSettings;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * Issue 13 item 7 in Chromium: the picker of a managed account over 1,000 generated provider accounts (100000000000
 * to 100000000999, each costing its number in cents, and the payer 999999999999): search on the server, select-all
 * of a search, the payer marked, and the confirmation step before an account moves away from another customer.
 */
@TestPropertySource(properties = "rebill.bootstrap.source=payer-1")
class ProviderAccountsBrowserTest extends BrowserTest {
    private static final String PAYER = "section[data-integration='Payer account (payer-1)']";

    @BeforeAll
    static void aThousandAccounts() {
        List<List<String>> lines = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            lines.add(TinyCur.line("l" + n, String.format("1%011d", n), "Usage", "AmazonEC2",
                    n * 10 + "." + String.format("%02d", n % 100), "0"));
        }
        lines.add(TinyCur.line("l-payer", "999999999999", "Usage", "AmazonS3", "1234.50", "1234.50"));
        Path file = TinyCur.write(home.resolve("generated/cur.csv"), lines);
        new Ingestion(RebillSettings.at(home)).ingest("payer-1", List.of(file), ProgressListener.silent());
    }

    private void createAccount(String name, String email) {
        page.navigate("/settings/managed-accounts");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New Managed Account")).click();
        page.getByLabel("Account Name", new Page.GetByLabelOptions().setExact(true)).fill(name);
        page.getByLabel("Contact Email Address").fill(email);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create Account")).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name)).click();
    }

    private Locator openPicker() {
        Locator payer = page.locator(PAYER);
        payer.getByText("Connect", new Locator.GetByTextOptions().setExact(true)).click();
        return payer;
    }

    private void search(Locator payer, String text) {
        payer.getByLabel("Search provider accounts").fill(text);
        payer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Search").setExact(true)).click();
    }

    @Test
    void aThousandAccountsAreSearchedLinkedAllAtOnceAndMovedOnlyAfterAsking() {
        signInAsAdmin();
        createAccount("Globex", "admin+globex@msp.example");
        Locator payer = openPicker();
        assertThat(payer.locator(".picker-count")).containsText("1–100 of 1,001 provider accounts");
        assertThat(payer.locator("tbody tr")).hasCount(100);
        assertThat(payer.locator("tr[data-sub='100000000001']")).containsText("USD 10.01");
        assertThat(payer.locator("tr[data-sub='100000000001']")).containsText("Not linked");
        screenshot("picker-first-page");

        // the payer's own account is marked
        search(payer, "999999999999");
        assertThat(payer.locator(".picker-count")).containsText("1–1 of 1");
        assertThat(payer.locator("tr[data-sub='999999999999'] .badge-payer")).hasText("Payer");
        assertThat(payer.locator("tr[data-sub='999999999999']")).containsText("USD 1,234.50");

        // select-all of a search: 1000000003xx are the 100 accounts 300..399
        search(payer, "1000000003");
        assertThat(payer.locator(".picker-count")).containsText("1–100 of 100 provider accounts matching");
        screenshot("picker-search");
        payer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Link all 100 matching").setExact(true)).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Linked 100 provider account(s) from 2026-10.");
        assertThat(page.locator(PAYER)).containsText("100 provider account(s) connected");

        // another customer takes one of them: the page asks first, naming Globex
        createAccount("Acme Corp", "admin+acme@msp.example");
        payer = openPicker();
        search(payer, "100000000305");
        Locator row = payer.locator("tr[data-sub='100000000305']");
        assertThat(row).containsText("Globex");
        row.locator("input[name=sub]").check();
        payer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save").setExact(true)).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Move provider accounts?")))
                .isVisible();
        assertThat(page.locator("#move-question")).hasText("1 of the selected provider accounts are billed to another"
                + " customer in Oct 2026: 100000000305 (billed to Globex).");
        screenshot("picker-move-confirmation");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Move them to Acme Corp")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved: 1 provider account(s) of Payer account"
                + " (payer-1) billed to this account from 2026-10 (1 linked, 0 unlinked).");

        // Globex keeps the other 99
        page.navigate("/settings/managed-accounts");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Globex")).click();
        assertThat(page.locator(PAYER)).containsText("99 provider account(s) connected");
        payer = openPicker();
        search(payer, "100000000305");
        assertThat(payer.locator("tr[data-sub='100000000305']")).containsText("Acme Corp");
        screenshot("picker-after-move");
    }
}
