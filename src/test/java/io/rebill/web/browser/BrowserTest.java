package io.rebill.web.browser;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.shared.config.RebillSettings;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** A Usage line of {@link TinyCur} on another day of October 2026. */
    protected static List<String> october(int day, String id, String account, String product, String cost) {
        List<String> line = new ArrayList<>(TinyCur.line(id, account, "Usage", product, cost, cost));
        line.set(8, String.format("2026-10-%02dT10:00:00Z", day));
        line.set(9, String.format("2026-10-%02dT11:00:00Z", day));
        return line;
    }

    /**
     * Ingests {@code lines} as source payer-1 and has the server start from an msp.yaml with the two customers Acme
     * Corp (acme-corp, provider account 111111111111) and Globex (globex, 222222222222) followed by
     * {@code rulesWorkflowsAssignments} (the file's rules, workflows and assignments, as YAML at column 0).
     */
    protected static void bootstrapTwoCustomers(DynamicPropertyRegistry registry, List<List<String>> lines,
                                                String rulesWorkflowsAssignments) throws IOException {
        Path file = TinyCur.write(home.resolve("fixture/cur.csv"), lines);
        new Ingestion(RebillSettings.at(home)).ingest("payer-1", List.of(file), ProgressListener.silent());
        Path yaml = Files.writeString(home.resolve("msp.yaml"), """
                msp:
                  name: Demo MSP
                  currency: USD
                customers:
                  - id: acme-corp
                    name: Acme Corp
                    contact_email: billing@acme.example
                    accounts: ['111111111111']
                  - id: globex
                    name: Globex
                    contact_email: billing@globex.example
                    accounts: ['222222222222']
                """ + rulesWorkflowsAssignments);
        registry.add("rebill.bootstrap.source", () -> "payer-1");
        registry.add("rebill.bootstrap.config", yaml::toString);
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
