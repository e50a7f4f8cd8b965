package io.rebill.web.portal;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 7 through the API at 1,000 provider accounts (generated: 100000000000 to 100000000999, each costing
 * its number in cents plus 0.005, and the payer 999999999999's own line): the picker pages and searches on the server,
 * select-all of a search links every match, moving an account away from another customer asks first (409 naming
 * the customer), and another MSP's accounts are never listed nor reachable.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderAccountsApiTest {
    static final String PASSWORD = "owner-password-123";
    static final int ACCOUNTS = 1000;

    /** A data folder under target/ (a @TempDir is not there yet when a per-class test's context starts). */
    static final Path home = io.rebill.TestHomes.create("picker-");

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    Users users;

    PortalClient owner;
    PortalClient otherOwner;
    String integration;
    String otherIntegration;
    int customers;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    static String sub(int n) {
        return String.format("1%011d", n);
    }

    @BeforeAll
    void twoMsps() {
        Account msp = accounts.createMsp("pick", "Picker MSP", "owner@pick.example", "pick.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@pick.example", "Ana Lee", Optional.of(PASSWORD), Role.OWNER,
                "test");
        owner = PortalClient.signIn(port, "owner@pick.example", PASSWORD);
        List<List<String>> lines = new ArrayList<>();
        for (int n = 0; n < ACCOUNTS; n++) {
            lines.add(TinyCur.line("l" + n, sub(n), "Usage", "AmazonEC2", n / 100 + "." + String.format("%02d", n % 100)
                    + "5", "0"));
        }
        lines.add(TinyCur.line("l-payer", "999999999999", "Usage", "AmazonS3", "1.00", "1.00"));
        TinyCur.write(home.resolve("imports").resolve(msp.id().toString()).resolve("payer/cur.csv"), lines);
        integration = created(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Main payer",
                "folder", "payer"))).body().path("id").asString();
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));

        Account other = accounts.createMsp("other", "Other MSP", "owner@other.example", "other.example", "USD", "test");
        users.addMember(other.id(), AccountKind.MSP, "owner@other.example", "Oscar Other", Optional.of(PASSWORD),
                Role.OWNER, "test");
        otherOwner = PortalClient.signIn(port, "owner@other.example", PASSWORD);
        TinyCur.write(home.resolve("imports").resolve(other.id().toString()).resolve("payer/cur.csv"), List.of(
                TinyCur.line("o1", "555555555555", "Usage", "AmazonEC2", "9.00", "9.00")));
        otherIntegration = created(otherOwner.post("/api/v1/integrations", Map.of("provider", "aws",
                "name", "Other payer", "folder", "payer"))).body().path("id").asString();
        ok(otherOwner.post("/api/v1/integrations/" + otherIntegration + "/ingest", null));
    }

    private String customer(String name) {
        int n = ++customers;
        return created(owner.post("/api/v1/managed_accounts", Map.of("name", name,
                "contact_email", "admin+c" + n + "@pick.example"))).body().path("id").asString();
    }

    private JsonNode list(String customer, String query) {
        return ok(owner.get("/api/v1/managed_accounts/" + customer + "/provider_accounts" + query));
    }

    @Test
    void thePickerPagesAndSearchesAThousandAccountsOnTheServer() {
        String acme = customer("Acme Corp");
        JsonNode first = list(acme, "?limit=50");
        assertThat(first.path("total").asLong()).isEqualTo(ACCOUNTS + 1);
        assertThat(first.path("items").size()).isEqualTo(50);
        assertThat(first.path("next").asString()).contains("offset=50", "status=all");
        JsonNode one = first.path("items").get(0);
        assertThat(one.path("sub_account_id").asString()).isEqualTo("100000000000");
        assertThat(one.path("cost").asString()).isEqualTo("0.005");
        assertThat(one.path("currency").asString()).isEqualTo("USD");
        assertThat(one.path("period").asString()).isEqualTo("2026-10");
        assertThat(one.path("payer").asBoolean()).isFalse();
        assertThat(one.path("customer_account_id").isNull()).isTrue();

        JsonNode last = list(acme, "?offset=1000&limit=50");
        assertThat(last.path("items").size()).isEqualTo(1);
        assertThat(last.path("items").get(0).path("sub_account_id").asString()).isEqualTo("999999999999");
        assertThat(last.path("items").get(0).path("payer").asBoolean()).isTrue();
        assertThat(last.path("next").isNull()).isTrue();

        JsonNode exact = list(acme, "?q=100000000123");
        assertThat(exact.path("total").asLong()).isEqualTo(1);
        // 123 -> 1.23 + 0.005
        assertThat(exact.path("items").get(0).path("cost").asString()).isEqualTo("1.235");
        // 10000000012x: 120..129
        assertThat(list(acme, "?q=10000000012").path("total").asLong()).isEqualTo(10);
        assertThat(list(acme, "?q=nothing-like-it").path("total").asLong()).isZero();
        Response bad = owner.get("/api/v1/managed_accounts/" + acme + "/provider_accounts?status=mine");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.detail()).contains("status 'mine'");
    }

    @Test
    void selectAllOfASearchLinksEveryMatchAndRequestsABillRun() {
        String globex = customer("Globex");
        // a queued run takes every later request of its period: wait until none is queued, then count
        ExchangeRatesApiTest.awaitIdle(owner);
        int runsBefore = ok(owner.get("/api/v1/bill_runs?period=2026-10&limit=200")).path("total").asInt();
        // 1000000002xx: the 100 accounts 200..299
        Response linked = owner.post("/api/v1/managed_accounts/" + globex + "/provider_accounts/link", Map.of(
                "integration_id", integration, "all_matching", Map.of("q", "1000000002", "status", "all")));
        assertThat(linked.status()).as(linked.text()).isEqualTo(200);
        assertThat(linked.body().path("changed").asInt()).isEqualTo(100);
        assertThat(linked.body().path("from").asString()).isEqualTo("2026-10");

        JsonNode mine = list(globex, "?status=linked&limit=200");
        assertThat(mine.path("total").asLong()).isEqualTo(100);
        List<String> ids = new ArrayList<>();
        mine.path("items").forEach(i -> ids.add(i.path("sub_account_id").asString()));
        assertThat(ids).first().isEqualTo("100000000200");
        assertThat(ids).last().isEqualTo("100000000299");
        mine.path("items").forEach(i -> assertThat(i.path("linked_here").asBoolean()).isTrue());
        // the customer is searchable by name too
        assertThat(list(globex, "?q=globex&limit=1").path("total").asLong()).isEqualTo(100);
        assertThat(ok(owner.get("/api/v1/bill_runs?period=2026-10&limit=200")).path("total").asInt())
                .isGreaterThan(runsBefore);

        // unlink-all of the linked filter takes them back
        Response unlinked = owner.post("/api/v1/managed_accounts/" + globex + "/provider_accounts/unlink", Map.of(
                "integration_id", integration, "all_matching", Map.of("status", "linked")));
        assertThat(unlinked.body().path("changed").asInt()).isEqualTo(100);
        assertThat(list(globex, "?status=linked").path("total").asLong()).isZero();
    }

    @Test
    void creatingAndDeletingAManagedAccountEachRequestABillRun() {
        ExchangeRatesApiTest.awaitIdle(owner);
        int before = runs();
        String soylent = customer("Soylent");
        assertThat(runs()).isEqualTo(before + 1);
        ExchangeRatesApiTest.awaitIdle(owner);
        Response deleted = owner.delete("/api/v1/managed_accounts/" + soylent, Map.of("confirm", "Soylent"));
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
        assertThat(runs()).isEqualTo(before + 2);
    }

    private int runs() {
        return ok(owner.get("/api/v1/bill_runs?period=2026-10&limit=200")).path("total").asInt();
    }

    @Test
    void movingAnAccountAwayFromAnotherCustomerAsksFirst() {
        String initech = customer("Initech");
        String hooli = customer("Hooli");
        ok(owner.post("/api/v1/managed_accounts/" + initech + "/provider_accounts/link", Map.of(
                "integration_id", integration, "sub_account_ids", List.of(sub(5), sub(6)))));

        Response asked = owner.post("/api/v1/managed_accounts/" + hooli + "/provider_accounts/link", Map.of(
                "integration_id", integration, "sub_account_ids", List.of(sub(5), sub(7))));
        assertThat(asked.status()).as(asked.text()).isEqualTo(409);
        assertThat(asked.detail()).contains("100000000005 (billed to Initech)", "\"move\": true");
        // nothing changed, not even the free account of the same request
        assertThat(list(hooli, "?status=linked").path("total").asLong()).isZero();
        assertThat(list(initech, "?status=linked").path("total").asLong()).isEqualTo(2);

        Response moved = owner.post("/api/v1/managed_accounts/" + hooli + "/provider_accounts/link", Map.of(
                "integration_id", integration, "sub_account_ids", List.of(sub(5), sub(7)), "move", true));
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
        assertThat(moved.body().path("changed").asInt()).isEqualTo(2);
        assertThat(moved.body().path("moved").asInt()).isEqualTo(1);
        JsonNode five = list(initech, "?q=" + sub(5)).path("items").get(0);
        assertThat(five.path("customer_name").asString()).isEqualTo("Hooli");
        assertThat(five.path("linked_here").asBoolean()).isFalse();
        assertThat(list(initech, "?status=other&q=" + sub(5)).path("total").asLong()).isEqualTo(1);
    }

    @Test
    void anotherMspsAccountsAreNeverListedNorReachable() {
        String acme = customer("Umbrella");
        JsonNode all = list(acme, "?limit=200&q=555555555555");
        assertThat(all.path("total").asLong()).isZero();
        assertThat(list(acme, "?limit=1").path("total").asLong()).isEqualTo(ACCOUNTS + 1);
        // the other MSP sees only its own account, and the first MSP's customer does not exist for it
        String theirs = created(otherOwner.post("/api/v1/managed_accounts", Map.of("name", "Their customer",
                "contact_email", "admin+theirs@other.example"))).body().path("id").asString();
        JsonNode their = ok(otherOwner.get("/api/v1/managed_accounts/" + theirs + "/provider_accounts"));
        assertThat(their.path("total").asLong()).isEqualTo(1);
        assertThat(their.path("items").get(0).path("sub_account_id").asString()).isEqualTo("555555555555");
        assertThat(otherOwner.get("/api/v1/managed_accounts/" + acme + "/provider_accounts").status()).isEqualTo(404);
        Response steal = otherOwner.post("/api/v1/managed_accounts/" + theirs + "/provider_accounts/link", Map.of(
                "integration_id", integration, "sub_account_ids", List.of(sub(1))));
        assertThat(steal.status()).isEqualTo(404);
        assertThat(steal.text()).doesNotContain("Main payer", "Picker MSP");
    }

    @Test
    void thePickerShowsAndSearchesTheNameTheExportGivesAnAccount() throws Exception {
        // the public FOCUS sample's latest period (2024-10) holds one sub account, OCI tenancy "cloudnativecoop"
        Account msp = accounts.createMsp("named", "Named MSP", "owner@named.example", "named.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@named.example", "Nia Named", Optional.of(PASSWORD),
                Role.OWNER, "test");
        PortalClient named = PortalClient.signIn(port, "owner@named.example", PASSWORD);
        Path folder = java.nio.file.Files.createDirectories(home.resolve("imports").resolve(msp.id().toString())
                .resolve("focus"));
        java.nio.file.Files.copy(io.rebill.TestData.shared("focus-1.0-sample/focus_sample.csv"),
                folder.resolve("focus_sample.csv"));
        String focus = created(named.post("/api/v1/integrations", Map.of("provider", "focus", "name", "FOCUS export",
                "folder", "focus"))).body().path("id").asString();
        ok(named.post("/api/v1/integrations/" + focus + "/ingest", null));
        String customer = created(named.post("/api/v1/managed_accounts", Map.of("name", "Coop",
                "contact_email", "admin+coop@named.example"))).body().path("id").asString();

        JsonNode found = ok(named.get("/api/v1/managed_accounts/" + customer + "/provider_accounts?q=cloudnative"));

        assertThat(found.path("total").asLong()).isEqualTo(1);
        assertThat(found.path("items").get(0).path("name").asString()).isEqualTo("cloudnativecoop");
        assertThat(found.path("items").get(0).path("sub_account_id").asString()).startsWith("ocid6.tenancy.");
        assertThat(found.path("items").get(0).path("period").asString()).isEqualTo("2024-10");
    }
}
