package io.rebill.web.portal;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.rules.MspConfig;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.config.RebillSettings;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Billing rules, workflows and assignments through the real API, on the embedded PostgreSQL, with previews billed by
 * DuckDB over a small CUR file ingested as the bootstrap MSP's integration. Each test but the preview works in an MSP
 * of its own, so that replacing a configuration never disturbs another test.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + BillingRulesApiTest.PASSWORD, "rebill.database.url=",
                "rebill.admin.email=owner@msp.example", "rebill.bootstrap.source=" + BillingRulesApiTest.SOURCE})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BillingRulesApiTest {
    static final String PASSWORD = "owner-password-123";
    static final String SOURCE = "rules-payer";
    private static final AtomicInteger MSPS = new AtomicInteger();

    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Accounts accounts;

    @Autowired
    Users users;

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    /** October 2026: account 111111111111 spends 110.00, 222222222222 50.00 plus 5.00 tax, 333333333333 7.00. */
    @BeforeAll
    static void ingestTheFixture() {
        Path file = TinyCur.write(home.resolve("fixture/cur.csv"), List.of(
                TinyCur.line("l-ec2-acme", "111111111111", "Usage", "AmazonEC2", "100.00", "120.00"),
                TinyCur.line("l-s3-acme", "111111111111", "Usage", "AmazonS3", "10.00", "10.00"),
                TinyCur.line("l-ec2-globex", "222222222222", "Usage", "AmazonEC2", "50.00", "60.00"),
                TinyCur.line("l-tax-globex", "222222222222", "Tax", "AmazonEC2", "5.00", "5.00"),
                TinyCur.line("l-ec2-nobody", "333333333333", "Usage", "AmazonEC2", "7.00", "7.00")));
        new Ingestion(RebillSettings.at(home)).ingest(SOURCE, List.of(file), ProgressListener.silent());
    }

    // ---- MSPs, users and customers ----

    /** An MSP of its own with its Owner signed in. */
    private record Msp(UUID id, String domain, PortalClient owner) {
    }

    private Msp newMsp() {
        String key = "m" + MSPS.incrementAndGet();
        String domain = key + ".example";
        Account msp = accounts.createMsp(key, "MSP " + key, "owner@" + domain, domain, "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + domain, "Owner " + key, Optional.of(PASSWORD), Role.OWNER,
                "test");
        return new Msp(msp.id(), domain, PortalClient.signIn(port, "owner@" + domain, PASSWORD));
    }

    private PortalClient member(Msp msp, Role role) {
        String email = role.dbName() + "@" + msp.domain();
        users.addMember(msp.id(), AccountKind.MSP, email, role.label(), Optional.of(PASSWORD), role, "test");
        return PortalClient.signIn(port, email, PASSWORD);
    }

    private String customer(PortalClient owner, String name, String email) {
        Response r = owner.post("/api/v1/managed_accounts", Map.of("name", name, "contact_email", email));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().path("id").asString();
    }

    private String integration(PortalClient owner) {
        Response r = owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Payer"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().path("id").asString();
    }

    private void link(PortalClient owner, String integration, String sub, String customer, String from) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customer_account_id", customer);
        body.put("from", from);
        Response r = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/" + sub, body);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static Response created(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r;
    }

    // ---- rules ----

    @Test
    void everyRuleKindIsCreatedReadListedEditedAndDeleted() {
        PortalClient owner = newMsp().owner();
        List<Map<String, Object>> rules = List.of(
                map("key", "no-edp", "title", "EDP kept", "kind", "exclusion", "scope", map("charge_types", List.of("EdpDiscount"))),
                map("key", "cf-75", "title", "CloudFront at 75 %", "kind", "adjustment", "percentage", "75.0",
                        "scope", map("services", List.of("AmazonCloudFront"))),
                map("key", "uplift-3", "title", "Uplift 3 %", "kind", "uplift", "percent", 3),
                map("key", "summer", "title", "2 % off EC2", "kind", "discount", "percent", "2",
                        "when", "line.region_id.startsWith('us-east-')"),
                map("key", "ri", "title", "RIs at on-demand", "kind", "replace_ri_discount", "purchased_by", List.of("999999999999")),
                map("key", "sp", "title", "SPs at on-demand", "kind", "replace_sp_discount"),
                map("key", "list", "title", "List price", "kind", "rerate_to_list"),
                map("key", "free", "title", "No free tier", "kind", "remove_free_tier", "price_list", map("SKU1", "0.0116")),
                map("key", "fee", "title", "Management fee", "kind", "charge", "percent_of_subtotal", "5",
                        "minimum", "250.00", "frequency", "monthly", "invoice", map("service", "Managed services",
                                "category", "Management fee")),
                map("key", "welcome", "title", "Welcome credit", "kind", "credit", "amount", "500.00",
                        "frequency", "one_time", "start", "2026-10", "invoice", map("service", "Managed services")));
        for (Map<String, Object> rule : rules) {
            created(owner.post("/api/v1/billing_rules", rule));
        }

        Response list = owner.get("/api/v1/billing_rules?limit=5");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("total").asLong()).isEqualTo(10);
        assertThat(list.body().path("items").valueStream().map(r -> r.path("key").asString()).toList())
                .containsExactly("no-edp", "cf-75", "uplift-3", "summer", "ri");
        assertThat(list.body().path("next").asString()).isEqualTo("/api/v1/billing_rules?offset=5&limit=5");

        JsonNode fee = rule(owner, "fee");
        assertThat(fee.path("kind").asString()).isEqualTo("charge");
        assertThat(fee.path("visible_to_customer").asBoolean()).isTrue();
        assertThat(fee.path("definition").path("percent_of_subtotal").asString()).isEqualTo("5");
        assertThat(fee.path("definition").path("minimum").asString()).isEqualTo("250.00");
        assertThat(fee.path("created_by").asString()).isEqualTo("Owner " + fee.path("created_by").asString().substring(6));
        JsonNode cf = rule(owner, "cf-75");
        assertThat(cf.path("definition").path("percentage").asString()).isEqualTo("75.0");
        assertThat(cf.path("visible_to_customer").asBoolean()).isFalse();
        assertThat(rule(owner, "free").path("definition").path("price_list").path("SKU1").asString()).isEqualTo("0.0116");

        String id = rule(owner, "uplift-3").path("id").asString();
        Response patched = owner.patch("/api/v1/billing_rules/" + id, map("percent", "4.5", "title", "Uplift 4.5 %"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(patched.body().path("definition").path("percent").asString()).isEqualTo("4.5");
        assertThat(patched.body().path("title").asString()).isEqualTo("Uplift 4.5 %");

        Response replaced = owner.put("/api/v1/billing_rules/" + id,
                map("key", "uplift-5", "title", "Uplift 5 %", "kind", "uplift", "percent", 5));
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        assertThat(replaced.body().path("key").asString()).isEqualTo("uplift-5");
        assertThat(owner.get("/api/v1/billing_rules/" + id).body().path("definition").path("percent").asString())
                .isEqualTo("5");

        assertThat(owner.delete("/api/v1/billing_rules/" + id, null).status()).isEqualTo(204);
        assertThat(owner.get("/api/v1/billing_rules/" + id).status()).isEqualTo(404);
        assertThat(owner.get("/api/v1/billing_rules").body().path("total").asLong()).isEqualTo(9);

        Response audit = owner.get("/api/v1/audit_logs?limit=200");
        assertThat(audit.body().path("items").valueStream().map(e -> e.path("action").asString()))
                .contains("billing_rule.create", "billing_rule.update", "billing_rule.delete");
    }

    private static JsonNode rule(PortalClient client, String key) {
        return client.get("/api/v1/billing_rules?limit=200").body().path("items").valueStream()
                .filter(r -> r.path("key").asString().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void aRuleIsValidatedAsInMspYamlAndTheErrorNamesTheKeyAndField() {
        PortalClient owner = newMsp().owner();

        Response badCel = owner.post("/api/v1/billing_rules", map("key", "odd", "title", "Odd", "kind", "discount",
                "percent", 2, "when", "line.region_id.startsWith("));
        assertThat(badCel.status()).isEqualTo(400);
        assertThat(badCel.code()).isEqualTo("BAD_CONFIG");
        assertThat(badCel.detail()).contains("rule 'odd'").contains("'when' is not a valid CEL expression");
        JsonNode problem = badCel.body().path("problems").get(0);
        assertThat(problem.path("item").asString()).isEqualTo("rule");
        assertThat(problem.path("key").asString()).isEqualTo("odd");
        assertThat(problem.path("field").asString()).isEqualTo("when");

        Response missing = owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.detail()).contains("rule 'up'").contains("missing required key 'percent'");
        assertThat(missing.body().path("problems").get(0).path("field").asString()).isEqualTo("percent");

        Response unknown = owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift",
                "percent", 3, "colour", "red"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.detail()).contains("rule 'up'").contains("unknown key 'colour'");
        assertThat(unknown.body().path("problems").get(0).path("field").asString()).isEqualTo("colour");

        Response badKey = owner.post("/api/v1/billing_rules", map("key", "Not A Key", "title", "X", "kind", "exclusion"));
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.body().path("problems").get(0).path("field").asString()).isEqualTo("key");

        created(owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift", "percent", 3)));
        Response twice = owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift", "percent", 3));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.detail()).contains("'up'");

        assertThat(owner.get("/api/v1/billing_rules").body().path("total").asLong()).isEqualTo(1);
    }

    @Test
    void aRuleUsedByAWorkflowCannotBeDeletedAndARenameFollowsIntoTheWorkflow() {
        PortalClient owner = newMsp().owner();
        String ri = created(owner.post("/api/v1/billing_rules", map("key", "ri", "title", "RI", "kind",
                "replace_ri_discount"))).body().path("id").asString();
        created(owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift", "percent", 3)));
        Response workflow = created(owner.post("/api/v1/workflows", map("key", "standard", "title", "Standard",
                "rules", List.of("ri", "up"))));
        assertThat(workflow.body().path("basis").asString()).isEqualTo("effective");
        created(owner.post("/api/v1/workflows", map("key", "other", "title", "Other", "basis", "list",
                "rules", List.of("ri"))));

        Response refused = owner.delete("/api/v1/billing_rules/" + ri, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("IN_USE");
        assertThat(refused.detail()).contains("standard").contains("other");

        Response renamed = owner.patch("/api/v1/billing_rules/" + ri, map("key", "ri-payer"));
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(renamed.body().path("used_by").valueStream().map(JsonNode::asString).toList())
                .containsExactly("standard", "other");
        String wf = workflow.body().path("id").asString();
        assertThat(owner.get("/api/v1/workflows/" + wf).body().path("rules").valueStream().map(JsonNode::asString).toList())
                .containsExactly("ri-payer", "up");

        Response unknownRule = owner.patch("/api/v1/workflows/" + wf, map("rules", List.of("ri-payer", "upp")));
        assertThat(unknownRule.status()).isEqualTo(400);
        assertThat(unknownRule.detail()).contains("workflow 'standard'").contains("rule 'upp' is not defined")
                .contains("did you mean 'up'");
        assertThat(unknownRule.body().path("problems").get(0).path("field").asString()).isEqualTo("rules");

        Response reordered = owner.patch("/api/v1/workflows/" + wf, map("rules", List.of("up", "ri-payer")));
        assertThat(reordered.status()).as(reordered.text()).isEqualTo(200);
        assertThat(owner.delete("/api/v1/workflows/" + wf, null).status()).isEqualTo(204);
        assertThat(owner.get("/api/v1/workflows").body().path("total").asLong()).isEqualTo(1);
    }

    // ---- assignments ----

    @Test
    void assigningRulesToAnAccountGivesItsOwnWorkflowInTheMspsRuleOrder() {
        Msp msp = newMsp();
        PortalClient owner = msp.owner();
        String acme = customer(owner, "Acme", "admin+acme@" + msp.domain());
        created(owner.post("/api/v1/billing_rules", map("key", "ri", "title", "RI", "kind", "replace_ri_discount")));
        created(owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift", "percent", 3)));
        String fee = created(owner.post("/api/v1/billing_rules", map("key", "fee", "title", "Fee", "kind", "charge",
                "amount", "99.90", "frequency", "monthly", "invoice", map("service", "Managed services"))))
                .body().path("id").asString();

        Response assigned = owner.put("/api/v1/managed_accounts/" + acme + "/billing_rules",
                map("rules", List.of(fee, "up", "ri"), "from", "2026-10"));

        assertThat(assigned.status()).as(assigned.text()).isEqualTo(200);
        assertThat(assigned.body().path("workflow").path("key").asString()).isEqualTo("account-acme-2026-10");
        assertThat(assigned.body().path("workflow").path("account_id").asString()).isEqualTo(acme);
        assertThat(assigned.body().path("rules").valueStream().map(r -> r.path("key").asString()).toList())
                .containsExactly("ri", "up", "fee");
        Response read = owner.get("/api/v1/managed_accounts/" + acme + "/billing_rules?period=2026-12");
        assertThat(read.body().path("rules").valueStream().map(r -> r.path("key").asString()).toList())
                .containsExactly("ri", "up", "fee");
        assertThat(owner.get("/api/v1/managed_accounts/" + acme + "/billing_rules?period=2026-09").body()
                .path("rules").size()).isZero();

        // a later selection starts its own workflow and leaves October as it was
        Response later = owner.put("/api/v1/managed_accounts/" + acme + "/billing_rules",
                map("rules", List.of("up"), "from", "2026-12"));
        assertThat(later.status()).as(later.text()).isEqualTo(200);
        assertThat(later.body().path("assignments").valueStream().map(a -> a.path("from").asString() + " "
                + a.path("workflow").asString()).toList())
                .containsExactly("2026-10 account-acme-2026-10", "2026-12 account-acme-2026-12");
        assertThat(owner.get("/api/v1/managed_accounts/" + acme + "/billing_rules?period=2026-11").body()
                .path("rules").size()).isEqualTo(3);

        // an account's own selection is not shared with another account
        String globex = customer(owner, "Globex", "admin+globex@" + msp.domain());
        Response shared = owner.post("/api/v1/managed_accounts/" + globex + "/workflow_assignments",
                map("workflow", "account-acme-2026-10", "from", "2026-10"));
        assertThat(shared.status()).isEqualTo(400);
        assertThat(shared.detail()).contains("another account's own selection");

        Response unknown = owner.put("/api/v1/managed_accounts/" + acme + "/billing_rules", map("rules", List.of("nope")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.detail()).contains("'nope'");
    }

    @Test
    void aWorkflowIsAssignedFromAPeriodAndAnAssignedWorkflowCannotBeDeleted() {
        Msp msp = newMsp();
        PortalClient owner = msp.owner();
        String globex = customer(owner, "Globex", "admin+globex@" + msp.domain());
        created(owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift", "percent", 3)));
        String wf = created(owner.post("/api/v1/workflows", map("key", "standard", "title", "Standard",
                "rules", List.of("up")))).body().path("id").asString();

        Response assigned = owner.post("/api/v1/managed_accounts/" + globex + "/workflow_assignments",
                map("workflow", "standard", "from", "2026-10"));
        assertThat(assigned.status()).as(assigned.text()).isEqualTo(200);
        assertThat(assigned.body().path("account_key").asString()).isEqualTo("globex");

        Response unknown = owner.post("/api/v1/managed_accounts/" + globex + "/workflow_assignments",
                map("workflow", "premium", "from", "2026-11"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().path("problems").get(0).path("field").asString()).isEqualTo("workflow");

        Response refused = owner.delete("/api/v1/workflows/" + wf, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.detail()).contains("globex");
        assertThat(owner.get("/api/v1/workflows/" + wf).body().path("assigned_to").get(0).asString()).isEqualTo("globex");

        // renaming the workflow carries its assignments along
        assertThat(owner.patch("/api/v1/workflows/" + wf, map("key", "standard-2")).status()).isEqualTo(200);
        assertThat(owner.get("/api/v1/managed_accounts/" + globex + "/workflow_assignments").body().get(0)
                .path("workflow").asString()).isEqualTo("standard-2");

        assertThat(owner.delete("/api/v1/managed_accounts/" + globex + "/workflow_assignments/2026-10", null).status())
                .isEqualTo(204);
        assertThat(owner.delete("/api/v1/workflows/" + wf, null).status()).isEqualTo(204);
    }

    // ---- permissions ----

    @Test
    void editorsCreateRulesButDoNotAssignThemViewersOnlyReadCustomersSeeNothing() {
        Msp msp = newMsp();
        String acme = customer(msp.owner(), "Acme", "admin+acme@" + msp.domain());
        PortalClient editor = member(msp, Role.EDITOR);
        PortalClient viewer = member(msp, Role.VIEWER);
        PortalClient integrationOwner = member(msp, Role.INTEGRATION_OWNER);

        String up = created(editor.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift",
                "percent", 3))).body().path("id").asString();
        created(editor.post("/api/v1/workflows", map("key", "std", "title", "Std", "rules", List.of("up"))));
        assertThat(editor.put("/api/v1/managed_accounts/" + acme + "/billing_rules", map("rules", List.of("up")))
                .status()).isEqualTo(403);
        assertThat(editor.post("/api/v1/managed_accounts/" + acme + "/workflow_assignments",
                map("workflow", "std", "from", "2026-10")).status()).isEqualTo(403);
        assertThat(integrationOwner.put("/api/v1/managed_accounts/" + acme + "/billing_rules",
                map("rules", List.of("up"), "from", "2026-10")).status()).isEqualTo(200);

        assertThat(viewer.get("/api/v1/billing_rules").status()).isEqualTo(200);
        assertThat(viewer.get("/api/v1/billing_rules/" + up).status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/billing_rules", map("key", "v", "title", "V", "kind", "exclusion")).status())
                .isEqualTo(403);
        assertThat(viewer.patch("/api/v1/billing_rules/" + up, map("percent", 9)).status()).isEqualTo(403);
        assertThat(viewer.delete("/api/v1/billing_rules/" + up, null).status()).isEqualTo(403);

        users.addMember(UUID.fromString(acme), AccountKind.CUSTOMER, "cfo@acme.example", "CFO", Optional.of(PASSWORD),
                Role.OWNER, "test");
        PortalClient cfo = PortalClient.signIn(port, "cfo@acme.example", PASSWORD);
        assertThat(cfo.get("/api/v1/billing_rules").status()).isEqualTo(403);
        assertThat(cfo.get("/api/v1/billing_rules/" + up).status()).isEqualTo(403);
        assertThat(cfo.get("/api/v1/workflows").status()).isEqualTo(403);
        assertThat(cfo.get("/api/v1/billing_config").status()).isEqualTo(403);
        assertThat(cfo.get("/api/v1/managed_accounts/" + acme + "/billing_rules").status()).isEqualTo(403);

        // the MSP's staff inside the customer account (Manager User) reach none of it either
        PortalClient owner = msp.owner();
        assertThat(owner.post("/api/v1/managed_accounts/" + acme + "/enter", Map.of()).status()).isEqualTo(200);
        assertThat(owner.get("/api/v1/billing_rules").status()).isEqualTo(403);
        owner.post("/api/v1/session/return", Map.of());

        // another MSP's rule is unknown here
        Msp other = newMsp();
        assertThat(other.owner().get("/api/v1/billing_rules/" + up).status()).isEqualTo(404);
        assertThat(other.owner().get("/api/v1/managed_accounts/" + acme + "/billing_rules").status()).isEqualTo(404);
    }

    /**
     * Whom the MSP bills how is managed-account data (seed: Editors and Viewers do not View Managed Accounts): an
     * account's own workflow, made by "Assign a Billing Rule" and named after the customer, is neither listed, read
     * nor changed by an Editor, and a shared workflow does not tell the Editor whom it bills.
     */
    @Test
    void staffWhoCannotViewManagedAccountsNeitherSeeNorChangeAnAccountsOwnWorkflow() {
        Msp msp = newMsp();
        PortalClient owner = msp.owner();
        String acme = customer(owner, "Acme Hidden", "admin+hidden@" + msp.domain());
        String up = created(owner.post("/api/v1/billing_rules", map("key", "up", "title", "Up", "kind", "uplift",
                "percent", 3))).body().path("id").asString();
        created(owner.post("/api/v1/workflows", map("key", "std", "title", "Std", "rules", List.of("up"))));
        assertThat(owner.post("/api/v1/managed_accounts/" + acme + "/workflow_assignments",
                map("workflow", "std", "from", "2026-09")).status()).isEqualTo(200);
        Response assigned = owner.put("/api/v1/managed_accounts/" + acme + "/billing_rules",
                map("rules", List.of("up"), "from", "2026-10"));
        assertThat(assigned.status()).as(assigned.text()).isEqualTo(200);
        String own = assigned.body().path("workflow").path("id").asString();
        String ownKey = assigned.body().path("workflow").path("key").asString();
        String stored = jdbc.sql("SELECT title || rule_keys::text FROM workflow WHERE id = :id::uuid")
                .param("id", own).query(String.class).single();

        PortalClient editor = member(msp, Role.EDITOR);
        assertThat(editor.get("/api/v1/workflows/" + own).status()).isEqualTo(404);
        assertThat(editor.put("/api/v1/workflows/" + own, map("title", "Taken", "rules", List.of())).status())
                .isEqualTo(404);
        assertThat(editor.patch("/api/v1/workflows/" + own, map("rules", List.of())).status()).isEqualTo(404);
        assertThat(editor.delete("/api/v1/workflows/" + own, null).status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT title || rule_keys::text FROM workflow WHERE id = :id::uuid").param("id", own)
                .query(String.class).single()).isEqualTo(stored);

        Response workflows = editor.get("/api/v1/workflows");
        assertThat(workflows.body().path("items").valueStream().map(w -> w.path("key").asString()))
                .containsExactly("std");
        assertThat(workflows.body().path("items").path(0).path("assigned_to").isEmpty()).isTrue();
        assertThat(workflows.body().path("total").asInt()).isOne();
        assertThat(editor.get("/api/v1/billing_rules/" + up).body().path("used_by").valueStream()
                .map(JsonNode::asString)).containsExactly("std");
        Response inUse = editor.delete("/api/v1/billing_rules/" + up, null);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.detail()).contains("std").contains("managed accounts' own selections").doesNotContain(ownKey);
        for (Response r : List.of(workflows, inUse, editor.get("/api/v1/billing_rules"))) {
            assertThat(r.text()).doesNotContain("Acme Hidden").doesNotContain(acme).doesNotContain(ownKey);
        }

        // the Owner sees both, and whom each bills
        Response all = owner.get("/api/v1/workflows");
        assertThat(all.body().path("items").valueStream().map(w -> w.path("key").asString()))
                .containsExactly("std", ownKey);
        assertThat(all.body().path("items").path(1).path("account_id").asString()).isEqualTo(acme);
        assertThat(all.body().path("items").path(0).path("assigned_to").size()).isOne();
    }

    // ---- msp.yaml import and export ----

    private static final String MSP_YAML = """
            msp:
              name: %s
              currency: USD
            customers:
              - id: acme
                name: Acme
                contact_email: admin+acme@%s
                match: line.tags['customer'] == 'acme'
              - id: globex
                name: Globex
                contact_email: admin+globex@%s
                accounts: ['111111111111', '222222222222']
              - id: initech
                name: Initech
                contact_email: admin+initech@%s
                accounts: ['333333333333']
                match: line.sub_account_id == '444444444444' && line.tags['team'] == 'initech'
            rules:
              - id: replace-ri-payer
                title: RIs bought by the payer at on-demand price
                kind: replace_ri_discount
                purchased_by: ['999999999999']
              - id: remove-edp
                title: EDP kept by the MSP
                kind: exclusion
                scope:
                  charge_types: [EdpDiscount]
              - id: uplift-3
                title: Uplift 3 %%
                kind: uplift
                percent: 3
              - id: remove-free-tier
                title: Free tier at the first paid rate
                kind: remove_free_tier
                price_list:
                  EXAMPLESKU7QK2P9: 0.0116
              - id: ec2-summer-tuesdays
                title: EC2 2 %% off on summer Tuesdays
                kind: discount
                percent: 2
                scope:
                  services: [AmazonEC2]
                when: line.charge_period_start.getDayOfWeek() == 2
              - id: cloudfront-75
                title: CloudFront at 75 %%
                kind: adjustment
                percentage: 75.0
                scope:
                  services: [AmazonCloudFront]
              - id: management-fee
                title: Management fee
                kind: charge
                percent_of_subtotal: 5
                minimum: 250.00
                frequency: monthly
                start: 2025-07
                invoice:
                  service: Managed services
                  category: Management fee
              - id: onboarding-credit
                title: Onboarding credit
                kind: credit
                amount: 500.00
                frequency: one_time
                start: 2025-07
                invoice:
                  service: Managed services
                  category: Credits
                  sub_category: Onboarding
            workflows:
              - id: payer-commitments-plus-3
                title: Commitments at on-demand price, EDP kept, plus 3 %%
                rules: [replace-ri-payer, remove-edp, uplift-3]
              - id: managed
                title: Managed service
                basis: billed
                rules: [cloudfront-75, management-fee, onboarding-credit, ec2-summer-tuesdays, remove-free-tier]
            assignments:
              - customer: acme
                workflow: payer-commitments-plus-3
                from: 2025-01
              - customer: acme
                workflow: managed
                from: 2026-01
              - customer: globex
                workflow: managed
                from: 2025-01
              - customer: initech
                workflow: payer-commitments-plus-3
                from: 2025-07
            """;

    @Test
    void anImportedMspYamlExportsEqualAndReplacesTheConfiguration() throws Exception {
        Msp msp = newMsp();
        PortalClient owner = msp.owner();
        String mspName = "MSP " + msp.domain().replace(".example", "");
        String acme = customer(owner, "Acme", "admin+acme@" + msp.domain());
        String globex = customer(owner, "Globex", "admin+globex@" + msp.domain());
        String initech = customer(owner, "Initech", "admin+initech@" + msp.domain());
        String payer = integration(owner);
        link(owner, payer, "111111111111", globex, "2026-01");
        link(owner, payer, "222222222222", globex, "2026-01");
        link(owner, payer, "333333333333", initech, "2026-01");
        created(owner.post("/api/v1/billing_rules", map("key", "old", "title", "Old", "kind", "exclusion")));
        String yaml = MSP_YAML.formatted(mspName, msp.domain(), msp.domain(), msp.domain());

        Response imported = putYaml(owner, "/api/v1/billing_config", yaml);

        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(imported.body().path("rules").asInt()).isEqualTo(8);
        assertThat(imported.body().path("warnings").size()).isZero();
        Response exported = owner.get("/api/v1/billing_config");
        assertThat(exported.status()).isEqualTo(200);
        assertThat(exported.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        MspConfig before = MspConfigFile.parse("in.yaml", yaml, e -> { });
        MspConfig after = MspConfigFile.parse("out.yaml", exported.text(), e -> { });
        assertThat(after).isEqualTo(before);
        assertThat(owner.get("/api/v1/billing_rules?limit=200").body().path("items").valueStream()
                .map(r -> r.path("key").asString())).doesNotContain("old");
        assertThat(owner.get("/api/v1/managed_accounts/" + acme).body().path("match").asString())
                .isEqualTo("line.tags['customer'] == 'acme'");

        // the same again as JSON {yaml: ...} changes nothing
        Response again = owner.put("/api/v1/billing_config", Map.of("yaml", exported.text()));
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(MspConfigFile.parse("again.yaml", owner.get("/api/v1/billing_config").text(), e -> { }))
                .isEqualTo(before);
    }

    @Test
    void anImportNamesUnknownCustomersAccountsNotAssignedAndBadLinesAndChangesNothing() {
        Msp msp = newMsp();
        PortalClient owner = msp.owner();
        customer(owner, "Acme", "admin+acme@" + msp.domain());
        created(owner.post("/api/v1/billing_rules", map("key", "kept", "title", "Kept", "kind", "exclusion")));
        String yaml = MSP_YAML.formatted("x", msp.domain(), msp.domain(), msp.domain());

        Response refused = putYaml(owner, "/api/v1/billing_config", yaml);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("BAD_CONFIG");
        assertThat(refused.detail()).contains("customer 'globex' is not a managed account")
                .contains("customer 'initech' is not a managed account");
        assertThat(refused.body().path("problems").valueStream().map(p -> p.path("key").asString()).toList())
                .contains("globex", "initech");

        Response broken = putYaml(owner, "/api/v1/billing_config", yaml.replace("percent: 3", "percent: three"));
        assertThat(broken.status()).isEqualTo(400);
        JsonNode problem = broken.body().path("problems").get(0);
        assertThat(problem.path("key").asString()).isEqualTo("uplift-3");
        assertThat(problem.path("field").asString()).isEqualTo("percent");
        assertThat(problem.path("line").asInt()).isEqualTo(31);

        assertThat(owner.get("/api/v1/billing_rules").body().path("items").get(0).path("key").asString())
                .isEqualTo("kept");
    }

    private Response putYaml(PortalClient client, String path, String yaml) {
        // PortalClient speaks JSON; msp.yaml goes as the file itself
        Response token = client.post("/api/v1/api_tokens", Map.of("name", "yaml-" + UUID.randomUUID(), "scope", "write"));
        assertThat(token.status()).as(token.text()).isEqualTo(201);
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + path))
                    .header("Authorization", "Bearer " + token.body().path("token").asString())
                    .header("Content-Type", "application/yaml")
                    .header("Accept", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? null : PortalClient.JSON.readTree(r.body());
            return new Response(r.statusCode(), body, r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- preview ----

    @Test
    void aPreviewBillsTheLastMonthBeforeAndAfterAndSavesNothing() {
        PortalClient owner = PortalClient.signIn(port, "owner@msp.example", PASSWORD);
        String payer = owner.get("/api/v1/integrations").body().get(0).path("id").asString();
        String acme = customer(owner, "Preview Acme", "admin+pacme@msp.example");
        String globex = customer(owner, "Preview Globex", "admin+pglobex@msp.example");
        link(owner, payer, "111111111111", acme, "2026-09");
        link(owner, payer, "222222222222", globex, "2026-09");
        created(owner.post("/api/v1/billing_rules", map("key", "p-up", "title", "Up 3 %", "kind", "uplift", "percent", 3)));
        long rules = jdbc.sql("SELECT count(*) FROM billing_rule").query(Long.class).single();

        Response preview = owner.post("/api/v1/billing_rules/preview", map(
                "rules", List.of(map("key", "p-fee", "title", "Fee", "kind", "charge", "amount", "25.50",
                        "frequency", "monthly", "invoice", map("service", "Managed services"))),
                "account_rules", List.of(map("customer", "preview-acme", "rules", List.of("p-up", "p-fee")))));

        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        assertThat(preview.body().path("period").asString()).isEqualTo("2026-10");
        JsonNode first = preview.body().path("customers").get(0);
        assertThat(first.path("key").asString()).isEqualTo("preview-acme");
        assertThat(first.path("cost_before").asString()).isEqualTo("110.00");
        assertThat(first.path("charge_before").asString()).isEqualTo("110.00");
        // (100.00 + 10.00) x 1.03 + 25.50
        assertThat(first.path("charge_after").asString()).isEqualTo("138.80");
        assertThat(first.path("margin_after").asString()).isEqualTo("28.80");
        assertThat(first.path("charge_delta").asString()).isEqualTo("28.80");
        JsonNode second = preview.body().path("customers").get(1);
        assertThat(second.path("key").asString()).isEqualTo("preview-globex");
        assertThat(second.path("charge_delta").asString()).isEqualTo("0.00");
        assertThat(preview.body().path("lines").valueStream().map(l -> l.path("line_id").asString() + " "
                + l.path("charge_before").asString() + " -> " + l.path("charge_after").asString()).toList())
                .hasSize(2);

        assertThat(jdbc.sql("SELECT count(*) FROM billing_rule").query(Long.class).single()).isEqualTo(rules);
        assertThat(owner.get("/api/v1/managed_accounts/" + acme + "/billing_rules?period=2026-10").body()
                .path("rules").size()).isZero();

        Response bad = owner.post("/api/v1/billing_rules/preview", map("rules", List.of(map("key", "p-bad",
                "title", "Bad", "kind", "uplift"))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("problems").get(0).path("field").asString()).isEqualTo("percent");
        assertThat(owner.post("/api/v1/billing_rules/preview?period=2031-01", map()).status()).isEqualTo(404);
    }
}
