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

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An integration's linked accounts ({@code GET /api/v1/integrations/{id}/linked_accounts}: its assignments and the
 * accounts seen in its latest period, each with its customer's name) are kept as JSON per version of what they are
 * made of (issue 14 item 11). Every way those inputs change must show at the next request: a customer renamed
 * through the API and by plain SQL, an assignment changed by plain SQL, a customer unlinked, a customer deleted with
 * its assignments by the database's cascade; and another MSP never sees this MSP's answer.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.automatic=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LinkedAccountsListTest {
    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    Users users;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @Test
    void theListFollowsEveryChangeOfItsCustomersAndAssignments() {
        Account msp = msp("k1");
        PortalClient owner = PortalClient.signIn(port, "owner@k1.example", "owner-password-1");
        String acme = customer(owner, "Acme Corp", "admin+acme@k1.example");
        String globex = customer(owner, "Globex", "admin+globex@k1.example");
        String initech = customer(owner, "Initech", "admin+initech@k1.example");
        String payer = payer(owner, msp, "111111111111", "222222222222", "333333333333");
        link(owner, payer, "111111111111", acme);
        link(owner, payer, "222222222222", globex);
        link(owner, payer, "333333333333", initech);
        ok(owner.post("/api/v1/integrations/" + payer + "/ingest", null));
        assertThat(listed(owner, payer)).isEqualTo("111111111111 Acme Corp, 222222222222 Globex,"
                + " 333333333333 Initech | 111111111111 Acme Corp, 222222222222 Globex, 333333333333 Initech");

        // renamed through the API, then by an operator's SQL: both lists show the new name at the next request
        ok(owner.patch("/api/v1/managed_accounts/" + acme, Map.of("name", "Acme Holdings")));
        assertThat(listed(owner, payer)).isEqualTo("111111111111 Acme Holdings, 222222222222 Globex,"
                + " 333333333333 Initech | 111111111111 Acme Holdings, 222222222222 Globex, 333333333333 Initech");
        jdbc.sql("UPDATE account SET name = 'Globex Europe' WHERE id = :id").param("id", UUID.fromString(globex))
                .update();
        assertThat(listed(owner, payer)).isEqualTo("111111111111 Acme Holdings, 222222222222 Globex Europe,"
                + " 333333333333 Initech | 111111111111 Acme Holdings, 222222222222 Globex Europe,"
                + " 333333333333 Initech");

        // an assignment moved by SQL
        jdbc.sql("UPDATE linked_account_assignment SET customer_account_id = :acme WHERE msp_id = :msp"
                        + " AND sub_account_id = '222222222222'")
                .param("acme", UUID.fromString(acme)).param("msp", msp.id()).update();
        assertThat(listed(owner, payer)).isEqualTo("111111111111 Acme Holdings, 222222222222 Acme Holdings,"
                + " 333333333333 Initech | 111111111111 Acme Holdings, 222222222222 Acme Holdings,"
                + " 333333333333 Initech");

        // unlinked through the API: the MSP stops billing its accounts
        ok(owner.post("/api/v1/managed_accounts/" + initech + "/unlink", null));
        assertThat(listed(owner, payer)).isEqualTo("111111111111 Acme Holdings, 222222222222 Acme Holdings"
                + " | 111111111111 Acme Holdings, 222222222222 Acme Holdings, 333333333333 none");

        // deleted by SQL: the database's cascade takes its assignments
        jdbc.sql("DELETE FROM account WHERE id = :id").param("id", UUID.fromString(acme)).update();
        assertThat(listed(owner, payer)).isEqualTo(" | 111111111111 none, 222222222222 none, 333333333333 none");
    }

    /**
     * Two MSPs with a customer of the same name and the same provider account ids each see their own list, before
     * and after the other renames; an MSP asking for the other's integration is told it does not exist.
     */
    @Test
    void eachMspSeesOnlyItsOwnList() {
        Account first = msp("k2");
        Account second = msp("k3");
        PortalClient one = PortalClient.signIn(port, "owner@k2.example", "owner-password-1");
        PortalClient two = PortalClient.signIn(port, "owner@k3.example", "owner-password-1");
        String oneAcme = customer(one, "Acme Corp", "admin+acme@k2.example");
        String twoAcme = customer(two, "Acme Corp", "admin+acme@k3.example");
        String onePayer = payer(one, first, "111111111111");
        String twoPayer = payer(two, second, "111111111111");
        link(one, onePayer, "111111111111", oneAcme);
        link(two, twoPayer, "111111111111", twoAcme);
        ok(one.post("/api/v1/integrations/" + onePayer + "/ingest", null));
        ok(two.post("/api/v1/integrations/" + twoPayer + "/ingest", null));
        assertThat(listed(one, onePayer)).isEqualTo("111111111111 Acme Corp | 111111111111 Acme Corp");
        assertThat(listed(two, twoPayer)).isEqualTo("111111111111 Acme Corp | 111111111111 Acme Corp");

        ok(two.patch("/api/v1/managed_accounts/" + twoAcme, Map.of("name", "Acme Two")));
        assertThat(listed(two, twoPayer)).isEqualTo("111111111111 Acme Two | 111111111111 Acme Two");
        assertThat(listed(one, onePayer)).isEqualTo("111111111111 Acme Corp | 111111111111 Acme Corp");
        assertThat(ok(one.get("/api/v1/integrations/" + onePayer + "/linked_accounts")).toString())
                .doesNotContain(twoAcme);
        assertThat(one.get("/api/v1/integrations/" + twoPayer + "/linked_accounts").status()).isEqualTo(404);
        assertThat(two.get("/api/v1/integrations/" + onePayer + "/linked_accounts").status()).isEqualTo(404);
    }

    private Account msp(String key) {
        Account msp = accounts.createMsp(key, "MSP " + key, "owner@" + key + ".example", key + ".example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + key + ".example", "Ana Lee",
                Optional.of("owner-password-1"), Role.OWNER, "test");
        return msp;
    }

    private static String customer(PortalClient owner, String name, String email) {
        return ok(owner.post("/api/v1/managed_accounts", Map.of("name", name, "contact_email", email))).path("id")
                .asString();
    }

    /** An integration whose September lines have one line of 1.00 per provider account. */
    private String payer(PortalClient owner, Account msp, String... subAccounts) {
        List<List<String>> lines = new java.util.ArrayList<>();
        for (int n = 0; n < subAccounts.length; n++) {
            lines.add(TinyCur.lineIn("2026-09", "l-" + n, subAccounts[n], "Usage", "AmazonEC2", "1.00", "1.00"));
        }
        TinyCur.write(home.resolve("imports").resolve(msp.id().toString()).resolve("payer").resolve("september.csv"),
                lines);
        return ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Payer", "folder", "payer")))
                .path("id").asString();
    }

    /** "assignments | seen", each as "sub account id customer name" ("none": billed to nobody). */
    private static String listed(PortalClient owner, String integration) {
        JsonNode list = ok(owner.get("/api/v1/integrations/" + integration + "/linked_accounts"));
        return names(list.path("assignments")) + " | " + names(list.path("seen"));
    }

    private static String names(JsonNode accounts) {
        return accounts.valueStream().map(a -> a.path("sub_account_id").asString() + " "
                + a.path("customer_name").asString("none")).collect(Collectors.joining(", "));
    }

    private static void link(PortalClient owner, String integration, String sub, String customer) {
        Response r = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/" + sub,
                Map.of("customer_account_id", customer, "from", "2026-09"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
}
