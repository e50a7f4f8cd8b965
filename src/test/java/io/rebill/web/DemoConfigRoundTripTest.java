package io.rebill.web;

import io.rebill.cli.RebillCommand;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.web.PortalClient.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 1: `rebill demo`'s own msp.yaml and the portal it starts agree. The file is loaded into the portal
 * on the first start; the portal's export then names the same customers (id, company name, contact, linked accounts)
 * with the same rules, workflows and assignments, and export, import, export gives the same text.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + DemoConfigRoundTripTest.PASSWORD, "rebill.database.url=",
                "rebill.bootstrap.source=demo-payer", "rebill.msp.name=Demo Cloud Services"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DemoConfigRoundTripTest {
    static final String PASSWORD = "demo-password-123";

    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
        registry.add("rebill.bootstrap.config", () -> home.resolve("demo/msp.yaml").toString());
    }

    /** `./rebill demo --no-serve` (small): generates, ingests, writes demo/msp.yaml and bills. */
    @BeforeAll
    static void demo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RebillCommand.execute(new PrintWriter(out), new PrintWriter(err), "--data-dir", home.toString(),
                "demo", "--rows", "3000", "--no-serve");
        assertThat(exit).as(out + "\n" + err).isZero();
    }

    @Test
    void thePortalExportsTheDemoFileAsWritten() throws IOException {
        String file = Files.readString(home.resolve("demo/msp.yaml"));
        MspConfig demo = MspConfigFile.parse("msp.yaml", file, e -> { });
        PortalClient admin = PortalClient.signIn(port, "admin@msp.example", PASSWORD);

        Response accounts = admin.get("/api/v1/managed_accounts?limit=200");
        assertThat(accounts.body().path("items").valueStream().map(a -> a.path("key").asString() + " | "
                + a.path("name").asString()).toList())
                .as("the portal's accounts are the file's customers, by the same id")
                .containsExactlyInAnyOrderElementsOf(demo.customers().stream().map(c -> c.id() + " | " + c.name()).toList());
        assertThat(demo.customers()).hasSize(12).extracting(Customer::name)
                .as("real-looking company names").allMatch(n -> n.matches("[A-Z][A-Za-z&' ]+ [A-Z][A-Za-z ]+"));
        assertThat(demo.customers()).extracting(Customer::id).allMatch(id -> id.matches("[a-z0-9]+(-[a-z0-9]+)+"));

        String exported = admin.get("/api/v1/billing_config?period=2026-09").text();
        assertThat(exported).as("the export is the demo's file without its comment line")
                .isEqualTo(file.substring(file.indexOf('\n') + 1));
    }

    @Test
    void exportImportExportIsByteIdentical() {
        PortalClient admin = PortalClient.signIn(port, "admin@msp.example", PASSWORD);
        String first = admin.get("/api/v1/billing_config?period=2026-09").text();

        Response imported = admin.put("/api/v1/billing_config?period=2026-09", Map.of("yaml", first));
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(imported.body().path("customers").asInt()).isEqualTo(12);

        assertThat(admin.get("/api/v1/billing_config?period=2026-09").text()).isEqualTo(first);
    }
}
