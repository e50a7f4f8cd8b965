package io.rebill.web.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** Signing in and out through the real pages in Chromium, on an empty data folder. */
class SignInBrowserTest extends BrowserTest {

    @Test
    void anonymousVisitorsSeeTheLoginForm() {
        page.navigate("/");

        assertThat(page).hasURL(Pattern.compile("/login$"));
        assertThat(page).hasTitle("Sign in · Rebill");
        assertThat(page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true))).isEmpty();
        assertThat(userMenu()).not().isVisible();
        screenshot("login");
    }

    @Test
    void theAdminSignsInAndSeesTheSources() {
        signInAsAdmin();

        assertThat(page).hasURL(Pattern.compile("/$"));
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sources"))).isVisible();
        assertThat(page.getByText("No sources yet")).isVisible();
        assertThat(userMenu()).isVisible();
        screenshot("sources-after-sign-in");
    }

    @Test
    void aWrongPasswordShowsTheLoginError() {
        signIn(ADMIN, "not-the-password");

        assertThat(page).hasURL(Pattern.compile("/login\\?error$"));
        assertThat(page.locator(".alert.error")).hasText("The email or password is not right.");
        assertThat(userMenu()).not().isVisible();
        screenshot("wrong-password");
    }

    @Test
    void signingOutEndsTheSession() {
        signInAsAdmin();
        userMenu().click();
        signOut().click();

        assertThat(page.getByText("You are signed out.")).isVisible();
        page.navigate("/");
        assertThat(page).hasURL(Pattern.compile("/login$"));
        screenshot("signed-out");
    }

    private Locator userMenu() {
        return page.getByLabel("User menu");
    }

    private Locator signOut() {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"));
    }
}
