package io.rebill.web.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Headless Chromium for tests of a {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} class: one browser per test
 * class, a fresh {@link BrowserContext} (cookies, storage) and {@link Page} per test, pointed at the running server,
 * and a screenshot of the page whenever a test fails. Test methods and {@code @BeforeEach} methods get the page as a
 * {@link Page} parameter; {@link BrowserTest} wraps all of this for Rebill's own server.
 *
 * <p>The browser is Debian's {@code /usr/bin/chromium} (installed by {@code .ci/chromium.sh}, which
 * {@code ./rebill test} runs first): Playwright's own browser download cannot reach its CDN here, so it is switched
 * off. Without Chromium the tests fail and say what to install; they are not skipped.
 */
public final class BrowserExtension implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback,
        ParameterResolver {
    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    /**
     * Without the background-networking flags Chromium keeps calling Google's services, which this machine's closed
     * network refuses; --no-sandbox because tests run as root in CI.
     */
    private static final List<String> CHROMIUM_ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BrowserExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        // A fresh folder per run, so a FAILED- screenshot left by an earlier run does not look like this run's.
        deleteRecursively(screenshotFolder().resolve(context.getRequiredTestClass().getSimpleName()));
        Driver driver = context.getRoot().getStore(NAMESPACE).computeIfAbsent(Driver.class, key -> Driver.start(),
                Driver.class);
        context.getStore(NAMESPACE).put(Browser.class, driver.launchChromium()); // closed after the class
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Browser browser = context.getStore(NAMESPACE).get(Browser.class, Browser.class);
        String port = SpringExtension.getApplicationContext(context).getEnvironment().getRequiredProperty("local.server.port");
        BrowserContext browserContext = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL("http://localhost:" + port)
                .setViewportSize(1280, 800)
                .setLocale("en-GB"));
        // Stored per test, so JUnit closes both when the test ends.
        context.getStore(NAMESPACE).put(BrowserContext.class, browserContext);
        Page page = browserContext.newPage();
        // a page's script errors show in the test's output, where a failing test is read
        page.onPageError(error -> System.err.println("browser: page error: " + error));
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                System.err.println("browser: console error: " + m.text() + " (" + m.location() + ")");
            }
        });
        context.getStore(NAMESPACE).put(Page.class, page);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            Page page = context.getStore(NAMESPACE).get(Page.class, Page.class);
            if (page != null && !page.isClosed()) {
                screenshot(page, context.getRequiredTestClass(), "FAILED-" + context.getRequiredTestMethod().getName());
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Page.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Page.class, Page.class);
    }

    /** Saves the whole page as {@code target/screenshots/<TestClass>/<name>.png} (kept as a CI artifact). */
    public static Path screenshot(Page page, Class<?> testClass, String name) {
        Path file = screenshotFolder().resolve(testClass.getSimpleName()).resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    private static Path screenshotFolder() {
        return Paths.get(System.getProperty("rebill.screenshots", "target/screenshots"));
    }

    /**
     * Playwright's driver (a Node.js process, unpacked from its jar at each start), shared by every browser test
     * class of the run and closed when the run ends; each class launches its own Chromium from it.
     */
    private record Driver(Playwright playwright, Path tmp) implements AutoCloseable {
        static Driver start() {
            Path tmp = createTempFolder();
            // TMPDIR puts the fresh user-data-dir that Playwright makes for each launch (it refuses --user-data-dir
            // in args) in our own temporary folder, removed on close even if a browser was killed.
            return new Driver(Playwright.create(new Playwright.CreateOptions().setEnv(Map.of(
                    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
                    "TMPDIR", tmp.toString()))), tmp);
        }

        Browser launchChromium() {
            if (!Files.isExecutable(CHROMIUM)) {
                throw new IllegalStateException("Browser tests need Debian's Chromium at " + CHROMIUM + ": run"
                        + " .ci/chromium.sh as root (./rebill test does), or: apt-get install chromium chromium-driver");
            }
            return playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(CHROMIUM_ARGS));
        }

        @Override
        public void close() {
            try {
                playwright.close();
            } finally {
                deleteRecursively(tmp);
            }
        }

        private static Path createTempFolder() {
            try {
                return Files.createTempDirectory("rebill-chromium-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
