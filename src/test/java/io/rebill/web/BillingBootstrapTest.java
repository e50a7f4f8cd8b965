package io.rebill.web;

import io.rebill.billingconfig.BillingRule;
import io.rebill.billingconfig.BillingRules;
import io.rebill.billingconfig.BillingWorkflow;
import io.rebill.billingconfig.InvalidBillingConfigException;
import io.rebill.identity.Actor;
import io.rebill.identity.Role;
import io.rebill.identity.User;
import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `rebill demo`'s first start: the demo msp.yaml becomes managed accounts, linked accounts, rules and workflows. */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + BillingBootstrapTest.PASSWORD, "rebill.database.url=",
                "rebill.bootstrap.source=demo-payer"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BillingBootstrapTest {
    static final String PASSWORD = "demo-password-123";

    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @Autowired
    BillingRules billingRules;

    @Autowired
    Accounts accounts;

    @Autowired
    Users users;

    static final String YAML = """
            msp:
              name: Demo Cloud Services
              currency: USD
            customers:
              - id: blue_harbor
                name: blue_harbor
                contact_email: billing@blue_harbor.example
                accounts: ['111111111111']
              - id: north_peak
                name: north_peak
                contact_email: billing@north_peak.example
                accounts: ['222222222222', '333333333333']
            rules:
              - id: uplift
                title: Uplift 3 %
                kind: uplift
                percent: 3
              - id: management-fee
                title: Management fee
                kind: charge
                percent_of_subtotal: 2.5
                minimum: 250
                frequency: monthly
                invoice:
                  service: Managed services
                  category: MSP Fee
            workflows:
              - id: standard
                title: 3 % uplift and a management fee
                rules: [uplift, management-fee]
            assignments:
              - customer: blue_harbor
                workflow: standard
                from: 2026-10
              - customer: north_peak
                workflow: standard
                from: 2026-10
            """;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
        registry.add("rebill.bootstrap.config", () -> home.resolve("demo/msp.yaml").toString());
    }

    @BeforeAll
    static void demoData() throws IOException {
        Path file = TinyCur.write(home.resolve("demo/files/cur.csv"), List.of(
                TinyCur.line("a", "111111111111", "Usage", "AmazonEC2", "100.00", "120.00"),
                TinyCur.line("b", "222222222222", "Usage", "AmazonEC2", "40.00", "40.00"),
                TinyCur.line("c", "333333333333", "Usage", "AmazonS3", "10.00", "10.00")));
        new Ingestion(RebillSettings.at(home)).ingest("demo-payer", List.of(file), ProgressListener.silent());
        Files.writeString(home.resolve("demo/msp.yaml"), YAML);
    }

    @Test
    void theDemoCustomersRulesAndWorkflowsAreInThePortal() {
        PortalClient admin = PortalClient.signIn(port, "admin@msp.example", PASSWORD);

        Response customers = admin.get("/api/v1/managed_accounts?limit=200");
        assertThat(customers.body().path("items").valueStream()
                .map(c -> c.path("key").asString() + " " + c.path("contact_email").asString()).toList())
                .containsExactly("blue-harbor admin+blue-harbor@msp.example", "north-peak admin+north-peak@msp.example");
        JsonNode north = customers.body().path("items").get(1);
        assertThat(north.path("tracked_spend").path("period").asString()).isEqualTo("2026-10");

        assertThat(admin.get("/api/v1/billing_rules").body().path("items").valueStream()
                .map(r -> r.path("key").asString()).toList()).containsExactly("uplift", "management-fee");
        Response acme = admin.get("/api/v1/managed_accounts/" + north.path("id").asString() + "/billing_rules?period=2026-10");
        assertThat(acme.body().path("workflow").path("key").asString()).isEqualTo("standard");

        MspConfig exported = MspConfigFile.parse("export.yaml", admin.get("/api/v1/billing_config?period=2026-10").text(),
                e -> { });
        assertThat(exported.customers().get(1).accounts()).containsExactly("222222222222", "333333333333");
        assertThat(exported.assignments()).hasSize(2);

        Response preview = admin.post("/api/v1/billing_rules/preview", java.util.Map.of());
        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        // (40.00 + 10.00) x 1.03 = 51.50, and the fee's minimum 250
        JsonNode northBill = preview.body().path("customers").valueStream()
                .filter(c -> c.path("key").asString().equals("north-peak")).findFirst().orElseThrow();
        assertThat(northBill.path("charge_before").asString()).isEqualTo("301.50");
        assertThat(northBill.path("margin_before").asString()).isEqualTo("251.50");
    }

    /**
     * The billing configuration's facade takes the engine's sealed types: a charge and a workflow given as records
     * are stored as msp.yaml would have them (the API shows them so) and come back from the configuration the engine
     * bills unchanged; a workflow naming a rule that does not exist is refused with the field named.
     */
    @Test
    void rulesAndWorkflowsGoInAsTheEnginesTypes() {
        Account msp = accounts.mspByKey("msp").orElseThrow();
        User admin = users.findByEmail("admin@msp.example").orElseThrow();
        Actor owner = new Actor(admin.id(), admin.email(), admin.displayName(), msp, Role.OWNER, msp, Optional.empty());
        Rule.Charge fee = new Rule.Charge("typed-support", "Support plan", Scope.EVERYTHING,
                new Rule.Amount.Fixed(new BigDecimal("125.50")), Rule.Frequency.MONTHLY,
                new Rule.InvoiceLabel("Support", Optional.of("MSP Fee"), Optional.empty()));
        Workflow workflow = new Workflow("typed-list", "At list price with support", Workflow.Basis.LIST,
                List.of("typed-support", "uplift"));
        BillingRule rule = billingRules.createRule(owner, fee);
        BillingWorkflow created = null;
        try {
            assertThat(rule.kind()).isEqualTo("charge");
            assertThat(rule.definition()).containsEntry("key", "typed-support").containsEntry("amount", "125.50")
                    .containsEntry("frequency", "monthly");
            created = billingRules.createWorkflow(owner, workflow);
            assertThat(created.basis()).isEqualTo("list");
            assertThat(created.rules()).containsExactly("typed-support", "uplift");

            MspConfig config = billingRules.config(msp.id(), BillingPeriod.parse("2026-10"));
            assertThat(config.rulesById().get("typed-support")).isEqualTo(fee);
            assertThat(config.workflow("typed-list")).contains(workflow);

            Rule.Charge dearer = new Rule.Charge("typed-support", "Support plan", Scope.EVERYTHING,
                    new Rule.Amount.Fixed(new BigDecimal("130.00")), Rule.Frequency.MONTHLY, fee.label());
            assertThat(billingRules.replaceRule(owner, rule.id(), dearer).definition()).containsEntry("amount", "130.00");
            UUID workflowId = created.id();
            assertThatThrownBy(() -> billingRules.replaceWorkflow(owner, workflowId, new Workflow("typed-list",
                    "At list price", Workflow.Basis.LIST, List.of("no-such-rule"))))
                    .isInstanceOf(InvalidBillingConfigException.class).hasMessageContaining("no-such-rule");
        } finally {
            if (created != null) {
                billingRules.deleteWorkflow(owner, created.id());
            }
            billingRules.deleteRule(owner, rule.id());
        }
    }
}
