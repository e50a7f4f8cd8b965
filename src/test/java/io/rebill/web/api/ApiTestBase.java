package io.rebill.web.api;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.rebill.web.RebillServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;

/**
 * The running application for the API's contract tests: one context (the same configuration for every subclass, so
 * Spring starts it once), on the embedded PostgreSQL, bootstrap Owner {@value #OWNER} in the MSP "Demo MSP". SSO
 * issuers may be http://localhost, for the test's own OpenID Connect provider.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + ApiTestBase.PASSWORD, "rebill.database.url=",
                "rebill.admin.email=" + ApiTestBase.OWNER, "rebill.sso.allow-http-issuers=true",
                "rebill.billing.automatic=false", "rebill.integrations.allow-s3-endpoints=true",
                "rebill.integrations.scheduled-sync=false", "rebill.uploads.max-size=2MB"})
abstract class ApiTestBase {
    static final String OWNER = "owner@msp.example";
    static final String PASSWORD = "owner-password-123";
    /**
     * Under target/ rather than /tmp: the context (and its PostgreSQL) lives until the JVM ends, after any JUnit
     * clean-up could remove the folder ({@link io.rebill.TestHomes}).
     */
    private static final Path HOME = io.rebill.TestHomes.create("api-");

    /** A real SMTP server for invoices sent by the API. */
    static final GreenMail MAIL = startMail();

    private static GreenMail startMail() {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        return mail;
    }

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add("rebill.smtp.host", () -> "127.0.0.1");
        registry.add("rebill.smtp.port", () -> MAIL.getSmtp().getPort());
        registry.add(RebillServer.HOME_PROPERTY, HOME::toString);
        registry.add("rebill.integrations.root", () -> HOME.resolve("imports").toString());
    }

    static Path home() {
        return HOME;
    }
}
