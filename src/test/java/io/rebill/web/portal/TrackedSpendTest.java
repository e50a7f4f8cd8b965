package io.rebill.web.portal;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Managed Accounts list's tracked spend (issue 14 item 11): the sum per linked account is kept between requests,
 * so it must follow every change of what it is made of: a new ingest of the period (a restatement), an account
 * moved to another customer, and a newer period. The integration's linked accounts ({@code seen}), kept per stored
 * generation by the linking feature, follow the same changes.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.automatic=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TrackedSpendTest {
    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    Users users;

    @Autowired
    Integrations integrations;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @Test
    void trackedSpendFollowsRestatementsReassignmentsAndNewPeriods() {
        Account msp = accounts.createMsp("t1", "Tracking MSP", "owner@t1.example", "t1.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@t1.example", "Ana Lee", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient owner = PortalClient.signIn(port, "owner@t1.example", "owner-password-1");
        String acme = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@t1.example"))).path("id").asString();
        String globex = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@t1.example"))).path("id").asString();
        Path folder = home.resolve("imports").resolve(msp.id().toString()).resolve("payer");
        TinyCur.write(folder.resolve("september.csv"), List.of(
                TinyCur.lineIn("2026-09", "s-1", "111111111111", "Usage", "AmazonEC2", "100.00", "100.00"),
                TinyCur.lineIn("2026-09", "s-2", "222222222222", "Usage", "AmazonEC2", "50.00", "50.00")));
        String integration = ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Main payer",
                "folder", "payer"))).path("id").asString();
        link(owner, integration, "111111111111", acme, "2026-09");
        link(owner, integration, "222222222222", globex, "2026-09");
        link(owner, integration, "333333333333", globex, "2026-09");
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));
        assertThat(spend(owner, acme)).isEqualTo("2026-09 100.00");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 50.00");
        assertThat(seen(owner, integration)).isEqualTo("2026-09 111111111111 Acme Corp, 2026-09 222222222222 Globex");

        // the provider restates September: the new generation's lines count, not the ones summed before
        TinyCur.write(folder.resolve("september.csv"), List.of(
                TinyCur.lineIn("2026-09", "s-1", "111111111111", "Usage", "AmazonEC2", "120.25", "120.25"),
                TinyCur.lineIn("2026-09", "s-2", "222222222222", "Usage", "AmazonEC2", "50.00", "50.00"),
                TinyCur.lineIn("2026-09", "s-3", "333333333333", "Usage", "AmazonS3", "7.125", "7.125")));
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));
        assertThat(spend(owner, acme)).isEqualTo("2026-09 120.25");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 57.125");
        assertThat(ok(owner.get("/api/v1/managed_accounts/" + globex)).path("tracked_spend").path("amount")
                .asString()).isEqualTo("57.125");
        assertThat(seen(owner, integration)).isEqualTo("2026-09 111111111111 Acme Corp, 2026-09 222222222222 Globex,"
                + " 2026-09 333333333333 Globex");

        // an account moved to another customer moves its spend at once
        link(owner, integration, "111111111111", globex, "2026-09");
        assertThat(spend(owner, acme)).isEqualTo("none");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 177.375");
        assertThat(seen(owner, integration)).isEqualTo("2026-09 111111111111 Globex, 2026-09 222222222222 Globex,"
                + " 2026-09 333333333333 Globex");

        // a newer period becomes the tracked one
        TinyCur.write(folder.resolve("october.csv"), List.of(
                TinyCur.line("o-1", "222222222222", "Usage", "AmazonEC2", "9.99", "9.99")));
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));
        assertThat(spend(owner, globex)).isEqualTo("2026-10 9.99");
        assertThat(seen(owner, integration)).isEqualTo("2026-10 222222222222 Globex");
    }

    /**
     * The spend per customer is kept per version of the MSP's assignments and sources: an unassignment and a move
     * written beside the API (as another server or a command would: no call of this server is told), a second
     * integration's source and a deleted integration each show at the next request; another MSP linking the same
     * provider account ids sees only its own lines.
     */
    @Test
    void keptSpendFollowsChangesMadeBesideTheApiAndStaysInItsMsp() {
        Account msp = accounts.createMsp("t4", "Kept MSP", "owner@t4.example", "t4.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@t4.example", "Ana Lee", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient owner = PortalClient.signIn(port, "owner@t4.example", "owner-password-1");
        String acme = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@t4.example"))).path("id").asString();
        String globex = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@t4.example"))).path("id").asString();
        Path folders = home.resolve("imports").resolve(msp.id().toString());
        TinyCur.write(folders.resolve("payer-a").resolve("september.csv"), List.of(
                TinyCur.lineIn("2026-09", "a-1", "111111111111", "Usage", "AmazonEC2", "100.00", "100.00"),
                TinyCur.lineIn("2026-09", "a-2", "222222222222", "Usage", "AmazonEC2", "50.00", "50.00")));
        String payerA = ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Payer A",
                "folder", "payer-a"))).path("id").asString();
        link(owner, payerA, "111111111111", acme, "2026-09");
        link(owner, payerA, "222222222222", globex, "2026-09");
        ok(owner.post("/api/v1/integrations/" + payerA + "/ingest", null));
        assertThat(spend(owner, acme)).isEqualTo("2026-09 100.00");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 50.00");

        // unassigned and moved without this server's API
        UUID a = UUID.fromString(payerA);
        integrations.unassign(msp.id(), a, "111111111111", BillingPeriod.parse("2026-09"));
        assertThat(spend(owner, acme)).isEqualTo("none");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 50.00");
        assign(msp.id(), a, "111111111111", Optional.of(UUID.fromString(globex)), "2026-09");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 150.00");
        assertThat(ok(owner.get("/api/v1/managed_accounts/" + globex)).path("tracked_spend").path("amount")
                .asString()).isEqualTo("150.00");

        // a second integration's source adds its lines; deleting the first takes its lines away
        TinyCur.write(folders.resolve("payer-b").resolve("september.csv"), List.of(
                TinyCur.lineIn("2026-09", "b-1", "444444444444", "Usage", "AmazonS3", "12.50", "12.50")));
        String payerB = ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Payer B",
                "folder", "payer-b"))).path("id").asString();
        link(owner, payerB, "444444444444", acme, "2026-09");
        ok(owner.post("/api/v1/integrations/" + payerB + "/ingest", null));
        assertThat(spend(owner, acme)).isEqualTo("2026-09 12.50");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 150.00");
        assertThat(owner.delete("/api/v1/integrations/" + payerA, null).status()).isEqualTo(204);
        assertThat(spend(owner, acme)).isEqualTo("2026-09 12.50");
        assertThat(spend(owner, globex)).isEqualTo("none");

        // another MSP's customer billed the same provider account id sees its own lines only, and this MSP's list
        // does not move
        Account other = accounts.createMsp("t5", "Other Kept MSP", "owner@t5.example", "t5.example", "USD", "test");
        users.addMember(other.id(), AccountKind.MSP, "owner@t5.example", "Bo Chen", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient otherOwner = PortalClient.signIn(port, "owner@t5.example", "owner-password-1");
        String initech = ok(otherOwner.post("/api/v1/managed_accounts", Map.of("name", "Initech",
                "contact_email", "admin+initech@t5.example"))).path("id").asString();
        TinyCur.write(home.resolve("imports").resolve(other.id().toString()).resolve("payer").resolve("s.csv"),
                List.of(TinyCur.lineIn("2026-09", "o-1", "444444444444", "Usage", "AmazonS3", "3.00", "3.00")));
        String otherPayer = ok(otherOwner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Payer",
                "folder", "payer"))).path("id").asString();
        link(otherOwner, otherPayer, "444444444444", initech, "2026-09");
        ok(otherOwner.post("/api/v1/integrations/" + otherPayer + "/ingest", null));
        assertThat(spend(otherOwner, initech)).isEqualTo("2026-09 3.00");
        assertThat(spend(owner, acme)).isEqualTo("2026-09 12.50");
        assertThat(ok(otherOwner.get("/api/v1/managed_accounts?limit=200")).toString()).doesNotContain(acme)
                .doesNotContain("12.50");
    }

    /**
     * The kept spend's version of the assignments is a counter that a trigger raises (migration V2026_12_08_0100):
     * it must move for writes no Rebill code path makes, as an operator's SQL, a restore script or the database's
     * own ON DELETE CASCADE would: an UPDATE of the customer column, and a customer account deleted with the
     * assignment that moved an account to it, which gives the account back to its earlier customer.
     */
    @Test
    void keptSpendFollowsUpdatesAndCascadesWrittenInTheDatabase() {
        Account msp = accounts.createMsp("t6", "Cascade MSP", "owner@t6.example", "t6.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@t6.example", "Ana Lee", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient owner = PortalClient.signIn(port, "owner@t6.example", "owner-password-1");
        String acme = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@t6.example"))).path("id").asString();
        String globex = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@t6.example"))).path("id").asString();
        TinyCur.write(home.resolve("imports").resolve(msp.id().toString()).resolve("payer").resolve("september.csv"),
                List.of(TinyCur.lineIn("2026-09", "c-1", "111111111111", "Usage", "AmazonEC2", "80.40", "80.40"),
                        TinyCur.lineIn("2026-09", "c-2", "222222222222", "Usage", "AmazonEC2", "19.60", "19.60")));
        String payer = ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Payer",
                "folder", "payer"))).path("id").asString();
        link(owner, payer, "111111111111", acme, "2026-01");
        link(owner, payer, "222222222222", acme, "2026-01");
        link(owner, payer, "111111111111", globex, "2026-09");
        ok(owner.post("/api/v1/integrations/" + payer + "/ingest", null));
        assertThat(spend(owner, acme)).isEqualTo("2026-09 19.60");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 80.40");

        jdbc.sql("UPDATE linked_account_assignment SET customer_account_id = :globex WHERE msp_id = :msp"
                        + " AND sub_account_id = '222222222222'")
                .param("globex", UUID.fromString(globex)).param("msp", msp.id()).update();
        assertThat(spend(owner, acme)).isEqualTo("none");
        assertThat(spend(owner, globex)).isEqualTo("2026-09 100.00");

        jdbc.sql("DELETE FROM account WHERE id = :globex").param("globex", UUID.fromString(globex)).update();
        assertThat(spend(owner, acme)).isEqualTo("2026-09 80.40");
    }

    /**
     * A customer account sees, of each MSP integration that bills it, only its own assignments (earlier periods'
     * included), as does the MSP's view of that customer's integrations; the customer's integrations are read by
     * customer, not filtered out of the integration's every assignment.
     */
    @Test
    void aCustomerSeesOnlyItsOwnLinkedAccounts() {
        Account msp = accounts.createMsp("t7", "Linked MSP", "owner@t7.example", "t7.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@t7.example", "Ana Lee", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient owner = PortalClient.signIn(port, "owner@t7.example", "owner-password-1");
        String acme = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@t7.example"))).path("id").asString();
        String globex = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@t7.example"))).path("id").asString();
        TinyCur.write(home.resolve("imports").resolve(msp.id().toString()).resolve("payer").resolve("september.csv"),
                List.of(TinyCur.lineIn("2026-09", "l-1", "111111111111", "Usage", "AmazonEC2", "1.00", "1.00")));
        String payer = ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Main payer",
                "folder", "payer"))).path("id").asString();
        link(owner, payer, "111111111111", acme, "2026-01");
        link(owner, payer, "111111111111", globex, "2026-06");
        link(owner, payer, "222222222222", globex, "2026-01");
        link(owner, payer, "333333333333", acme, "2026-03");

        assertThat(customersView(owner, acme)).isEqualTo("Main payer: 111111111111 from 2026-01, 333333333333 from 2026-03");
        assertThat(customersView(owner, globex)).isEqualTo("Main payer: 111111111111 from 2026-06, 222222222222 from 2026-01");
        JsonNode mspView = ok(owner.get("/api/v1/managed_accounts/" + acme + "/integrations"));
        assertThat(mspView.path(0).path("linked_accounts").valueStream()
                .map(l -> l.path("sub_account_id").asString() + " " + l.path("customer_account_id").asString())
                .toList()).containsExactly("111111111111 " + acme, "333333333333 " + acme);
    }

    /** The MSP's integrations as a customer account sees them: each with that account's linked accounts. */
    private String customersView(PortalClient owner, String customer) {
        JsonNode integrations = ok(owner.header("Rebill-Account", customer).get("/api/v1/managed_integrations"));
        owner.header("Rebill-Account", null);
        return integrations.valueStream()
                .map(i -> i.path("integration").path("name").asString() + ": " + i.path("linked_accounts").valueStream()
                        .map(l -> l.path("sub_account_id").asString() + " from " + l.path("from").asString())
                        .collect(java.util.stream.Collectors.joining(", ")))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /** The integration's linked accounts as the API lists them ("seen": its latest period, each with its customer). */
    private static String seen(PortalClient owner, String integration) {
        return ok(owner.get("/api/v1/integrations/" + integration + "/linked_accounts")).path("seen").valueStream()
                .map(a -> a.path("period").asString() + " " + a.path("sub_account_id").asString() + " "
                        + a.path("customer_name").asString("none"))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * Who each linked account bills to in a period (what the tracked spend and the bill read): the latest assignment
     * of each integration's account not after the period, none once unassigned, only the MSP's own.
     */
    @Test
    void ownersFollowTheAssignmentHistoryOfTheMspOnly() {
        Account msp = accounts.createMsp("t2", "History MSP", "owner@t2.example", "t2.example", "USD", "test");
        Account other = accounts.createMsp("t3", "Other MSP", "owner@t3.example", "t3.example", "USD", "test");
        UUID acme = accounts.createManaged(msp.id(), "Acme", "billing+acme@t2.example", "test").id();
        UUID globex = accounts.createManaged(msp.id(), "Globex", "billing+globex@t2.example", "test").id();
        UUID stranger = accounts.createManaged(other.id(), "Stranger", "billing+stranger@t3.example", "test").id();
        UUID a = integrations.create(msp.id(), "aws", "Payer A", Optional.empty(), "test").id();
        UUID b = integrations.create(msp.id(), "aws", "Payer B", Optional.empty(), "test").id();
        UUID o = integrations.create(other.id(), "aws", "Other payer", Optional.empty(), "test").id();
        assign(msp.id(), a, "111111111111", Optional.of(acme), "2026-01");
        assign(msp.id(), a, "111111111111", Optional.of(globex), "2026-06");
        assign(msp.id(), a, "111111111111", Optional.empty(), "2026-09");
        assign(msp.id(), a, "222222222222", Optional.of(acme), "2026-03");
        assign(msp.id(), b, "222222222222", Optional.of(globex), "2026-01");
        assign(other.id(), o, "333333333333", Optional.of(stranger), "2026-01");

        assertThat(integrations.ownersIn(msp.id(), BillingPeriod.parse("2025-12"))).isEmpty();
        assertThat(integrations.ownersIn(msp.id(), BillingPeriod.parse("2026-02")))
                .isEqualTo(Map.of("111111111111", acme, "222222222222", globex));
        // from 2026-03 both integrations bill 222222222222: the one with the lower id is kept
        UUID both = a.toString().compareTo(b.toString()) < 0 ? acme : globex;
        assertThat(integrations.ownersIn(msp.id(), BillingPeriod.parse("2026-07")))
                .isEqualTo(Map.of("111111111111", globex, "222222222222", both));
        assertThat(integrations.ownersIn(msp.id(), BillingPeriod.parse("2026-10")))
                .isEqualTo(Map.of("222222222222", both));
        assertThat(integrations.ownersIn(other.id(), BillingPeriod.parse("2026-10")))
                .isEqualTo(Map.of("333333333333", stranger));
    }

    private void assign(UUID msp, UUID integration, String sub, Optional<UUID> customer, String from) {
        integrations.assign(msp, integration, sub, customer, BillingPeriod.parse(from), accounts, "test");
    }

    private static String spend(PortalClient owner, String customer) {
        JsonNode list = ok(owner.get("/api/v1/managed_accounts?limit=200"));
        JsonNode account = list.path("items").valueStream().filter(a -> a.path("id").asString().equals(customer))
                .findFirst().orElseThrow();
        JsonNode spend = account.path("tracked_spend");
        return spend.isMissingNode() || spend.isNull() ? "none"
                : spend.path("period").asString() + " " + spend.path("amount").asString();
    }

    private static void link(PortalClient owner, String integration, String sub, String customer, String from) {
        Response r = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/" + sub,
                Map.of("customer_account_id", customer, "from", from));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
}
