package io.rebill.web.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** Settings > Exchange Rates in Chromium (issue 13 item 6): entering a rate, a refused one, removing it. */
class ExchangeRatesBrowserTest extends BrowserTest {

    @Test
    void theMspEntersChecksAndRemovesARate() {
        signInAsAdmin();
        page.navigate("/settings/managed-accounts");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Exchange Rates")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Exchange Rates"))).isVisible();
        assertThat(page.locator("main")).containsText("You bill in USD");

        Locator form = page.locator("#new-rate");
        form.getByLabel("Currency of the billing data").fill("eur");
        form.getByLabel("Billing period").fill("2026-10");
        form.getByLabel("1 unit of it is, in USD").fill("1.0825");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save rate")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved: 1 EUR = 1.0825 USD for Oct 2026.");
        Locator row = page.locator("#rates tbody tr").first();
        assertThat(row).containsText("EUR");
        assertThat(row).containsText("Oct 2026");
        assertThat(row).containsText("1 EUR = 1.0825 USD");
        assertThat(row).containsText("by MSP Admin");
        screenshot("exchange-rates");

        form.getByLabel("Currency of the billing data").fill("GBP");
        form.getByLabel("Billing period").fill("2026-10");
        form.getByLabel("1 unit of it is, in USD").fill("-1");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save rate")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("rate of GBP for 2026-10 must be a decimal above 0");
        screenshot("exchange-rates-refused");

        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Removed the rate of EUR for Oct 2026.");
        assertThat(page.locator("#rates")).containsText("No rates yet");
    }
}
