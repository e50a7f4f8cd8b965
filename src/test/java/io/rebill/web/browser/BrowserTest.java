package io.rebill.web.browser;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.web.RebillServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;

/**
 * Base of the browser tests: the served application as in {@code RebillServerTest} (real Tomcat on a random port,
 * embedded PostgreSQL, a temporary data folder per test class, a known admin password) driven by headless Chromium
 * through {@link BrowserExtension}. Each test gets a fresh {@link #page}, already pointed at the server, so
 * {@code page.navigate("/login")} works; navigation and locators auto-wait, so tests never sleep.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + BrowserTest.ADMIN_PASSWORD, "rebill.database.url="})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // stop PostgreSQL before @TempDir is deleted
@ExtendWith(BrowserExtension.class)
public abstract class BrowserTest {
    protected static final String ADMIN = "admin@msp.example";
    protected static final String ADMIN_PASSWORD = "browser-admin-password-1";

    @TempDir
    static Path home;

    protected Page page;

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @BeforeEach
    void openPage(Page page) {
        this.page = page;
    }

    /** Signs in through the real login form, as a person would; the page then shows wherever the server sent it. */
    protected void signIn(String user, String password) {
        page.navigate("/login");
        page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill(user);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
        page.waitForLoadState();
    }

    protected void signInAsAdmin() {
        signIn(ADMIN, ADMIN_PASSWORD);
    }

    /** Saves the whole page as {@code target/screenshots/<TestClass>/<name>.png}. */
    protected Path screenshot(String name) {
        return BrowserExtension.screenshot(page, getClass(), name);
    }
}
