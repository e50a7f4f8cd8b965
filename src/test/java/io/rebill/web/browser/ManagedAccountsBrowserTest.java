package io.rebill.web.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The seed's Managed Accounts flows in Chromium: New Managed Account, Enter Account -> with the yellow border and the
 * "Logged in as" pop-up, its X back to the MSP account with a confirmation, and delete with confirmation.
 */
class ManagedAccountsBrowserTest extends BrowserTest {

    private Locator button(String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    private void createAccount(String name, String email) {
        page.navigate("/settings/managed-accounts");
        button("New Managed Account").click();
        Locator dialog = page.locator("#new-account-dialog");
        assertThat(dialog).isVisible();
        dialog.getByLabel("Account Name").fill(name);
        dialog.getByLabel("Contact Email Address").fill(email);
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create Account")).click();
    }

    @Test
    void createEnterAndReturn() {
        signInAsAdmin();
        createAccount("Acme Corporation", "admin+acme@msp.example");

        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Created the account Acme Corporation");
        Locator row = page.locator("tr[data-account='Acme Corporation']");
        assertThat(row).containsText("admin+acme@msp.example");
        screenshot("managed-accounts-list");

        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Enter Account →")).click();

        // no integrations yet: the seed's Connect Accounts screen, inside the yellow frame
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Connect Accounts"))).isVisible();
        assertThat(page.locator(".acting-frame")).isVisible();
        assertThat(page.locator(".acting-popup")).containsText("Logged in as Acme Corporation");
        assertThat(page.getByLabel("User menu")).hasText("Manager User");
        screenshot("inside-customer-account");

        page.getByLabel("Return to MSP account").first().click();

        assertThat(page).hasURL(Pattern.compile("/settings/managed-accounts$"));
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("You are back in your MSP account Demo MSP");
        assertThat(page.locator(".acting-frame")).hasCount(0);
        screenshot("returned-to-msp");
    }

    @Test
    void aContactEmailOutsideTheDomainIsRefusedInTheDialog() {
        signInAsAdmin();
        createAccount("Evil Corp", "boss@evil.example");

        Locator dialog = page.locator("#new-account-dialog");
        assertThat(dialog).isVisible();
        assertThat(dialog.getByRole(AriaRole.ALERT)).containsText("must be in your email domain msp.example");
        assertThat(dialog.getByLabel("Account Name")).hasValue("Evil Corp");
        screenshot("foreign-domain-refused");
        assertThat(page.locator("tr[data-account='Evil Corp']")).hasCount(0);
    }

    @Test
    void deletingAnAccountNeedsItsNameTyped() {
        signInAsAdmin();
        createAccount("Umbrella", "admin+umbrella@msp.example");
        Locator row = page.locator("tr[data-account='Umbrella']");
        row.getByLabel("Delete Umbrella").click();
        Locator dialog = row.locator("dialog");
        assertThat(dialog).isVisible();
        screenshot("delete-confirmation");

        dialog.getByLabel("Type the account name to confirm").fill("Umbrella");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete account")).click();

        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Deleted the account Umbrella");
        assertThat(page.locator("tr[data-account='Umbrella']")).hasCount(0);
    }
}
