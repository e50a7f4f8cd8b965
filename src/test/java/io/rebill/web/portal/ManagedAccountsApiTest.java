package io.rebill.web.portal;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed's Managed Accounts flows through the real API, on the embedded PostgreSQL. */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + ManagedAccountsApiTest.PASSWORD, "rebill.database.url=",
                "rebill.admin.email=owner@msp.example"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ManagedAccountsApiTest {
    static final String PASSWORD = "owner-password-123";

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

    @Autowired
    io.rebill.identity.ApiTokens tokens;

    PortalClient owner;

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @BeforeEach
    void signIn() {
        owner = PortalClient.signIn(port, "owner@msp.example", PASSWORD);
    }

    private String create(String name, String email) {
        Response r = owner.post("/api/v1/managed_accounts", Map.of("name", name, "contact_email", email));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().path("id").asString();
    }

    @Test
    void aNewManagedAccountIsListedWithItsNameEmailAndCreatedDate() {
        String id = create("Acme Corporation", "admin+acme@msp.example");

        Response list = owner.get("/api/v1/managed_accounts?limit=200");
        assertThat(list.status()).isEqualTo(200);
        var acme = list.body().path("items").valueStream()
                .filter(a -> a.path("id").asString().equals(id)).findFirst().orElseThrow();
        assertThat(acme.path("name").asString()).isEqualTo("Acme Corporation");
        assertThat(acme.path("contact_email").asString()).isEqualTo("admin+acme@msp.example");
        assertThat(acme.path("created_at").asString()).isNotBlank();
        assertThat(acme.path("created_by").asString()).isEqualTo("MSP Admin");
        assertThat(acme.path("key").asString()).startsWith("acme-corporation");
    }

    /**
     * The list is in name order whatever the case, page by page, each page with the MSP's number of customer accounts
     * (a page past the end too), and counts and shows only that MSP's accounts.
     */
    @Test
    void theListIsInNameOrderPageByPageWithTheMspsTotal() {
        Account msp = accounts.createMsp("paging", "Paging MSP", "owner@paging.example", "paging.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@paging.example", "Ana Lee", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient paging = PortalClient.signIn(port, "owner@paging.example", "owner-password-1");
        for (String name : List.of("globex", "Acme", "initech", "Bluth Company", "acme two")) {
            Response r = paging.post("/api/v1/managed_accounts", Map.of("name", name,
                    "contact_email", "admin+" + name.replace(" ", "") + "@paging.example"));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
        }
        create("Aardvark of another MSP", "admin+aardvark@msp.example");

        assertThat(page(paging, 0, 2)).isEqualTo("Acme, acme two of 5, next offset=2&limit=2");
        assertThat(page(paging, 2, 2)).isEqualTo("Bluth Company, globex of 5, next offset=4&limit=2");
        assertThat(page(paging, 4, 2)).isEqualTo("initech of 5");
        assertThat(page(paging, 10, 2)).isEqualTo(" of 5");
        assertThat(page(paging, 0, 1)).isEqualTo("Acme of 5, next offset=1&limit=1");
    }

    /**
     * The list is kept per version of the MSP's customer accounts (a counter a trigger raises on every change of one):
     * each change shows at the next request on every page, whichever path wrote it: the API, an operator's SQL, another
     * feature's statement (a match predicate), a move to another MSP.
     */
    @Test
    void theKeptListFollowsEveryChangeOfItsAccounts() {
        PortalClient kept = newMsp("kept");
        PortalClient other = newMsp("other");
        String acme = created(kept.post("/api/v1/managed_accounts", Map.of("name", "Acme",
                "contact_email", "admin+acme@kept.example")));
        String globex = created(kept.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@kept.example")));
        assertThat(accountsOf(kept)).isEqualTo("Acme admin+acme@kept.example -, Globex admin+globex@kept.example - of 2");
        assertThat(page(kept, 1, 1)).isEqualTo("Globex of 2");

        assertThat(kept.patch("/api/v1/managed_accounts/" + acme, Map.of("name", "Acme Corp", "match",
                "line.service == 'AmazonEC2'")).status()).isEqualTo(200);
        assertThat(accountsOf(kept)).isEqualTo("Acme Corp admin+acme@kept.example line.service == 'AmazonEC2',"
                + " Globex admin+globex@kept.example - of 2");
        jdbc.sql("UPDATE account SET contact_email = 'billing+globex@kept.example', name = 'Aardvark' WHERE id = :id")
                .param("id", UUID.fromString(globex)).update();
        assertThat(accountsOf(kept)).isEqualTo("Aardvark billing+globex@kept.example -, Acme Corp"
                + " admin+acme@kept.example line.service == 'AmazonEC2' of 2");
        assertThat(page(kept, 1, 1)).isEqualTo("Acme Corp of 2");
        // the billing rules' statement for a customer's claim (billingconfig), not the tenancy feature's
        jdbc.sql("UPDATE account SET match_expression = NULL, claim_position = 1 WHERE id = :id")
                .param("id", UUID.fromString(acme)).update();
        assertThat(accountsOf(kept)).endsWith("Acme Corp admin+acme@kept.example - of 2");

        String initech = created(kept.post("/api/v1/managed_accounts", Map.of("name", "Initech",
                "contact_email", "admin+initech@kept.example")));
        assertThat(page(kept, 0, 50)).isEqualTo("Aardvark, Acme Corp, Initech of 3");
        assertThat(kept.post("/api/v1/managed_accounts/" + initech + "/unlink", null).status()).isEqualTo(200);
        assertThat(page(kept, 0, 50)).isEqualTo("Aardvark, Acme Corp of 2");

        assertThat(page(other, 0, 50)).isEqualTo(" of 0");
        jdbc.sql("UPDATE account SET msp_id = (SELECT id FROM account WHERE key = 'other' AND kind = 'msp')"
                + " WHERE id = :id").param("id", UUID.fromString(globex)).update();
        assertThat(page(kept, 0, 50)).isEqualTo("Acme Corp of 1");
        assertThat(page(other, 0, 50)).isEqualTo("Aardvark of 1");

        jdbc.sql("DELETE FROM account WHERE id = :id").param("id", UUID.fromString(acme)).update();
        assertThat(page(kept, 0, 50)).isEqualTo(" of 0");
        assertThat(page(kept, 1, 1)).isEqualTo(" of 0");
    }

    /** Two MSPs whose accounts' versions are equal each see their own accounts: the MSP is part of the key. */
    @Test
    void twoMspsAtTheSameVersionSeeOnlyTheirOwnAccounts() {
        PortalClient north = newMsp("north");
        PortalClient south = newMsp("south");
        for (String name : List.of("Alpha", "Beta")) {
            created(north.post("/api/v1/managed_accounts", Map.of("name", "North " + name,
                    "contact_email", "admin+" + name.toLowerCase() + "@north.example")));
            created(south.post("/api/v1/managed_accounts", Map.of("name", "South " + name,
                    "contact_email", "admin+" + name.toLowerCase() + "@south.example")));
        }
        assertThat(jdbc.sql("SELECT count(DISTINCT v.version) || ' ' || count(*) FROM customer_account_version v"
                        + " JOIN account a ON a.id = v.msp_id WHERE a.key IN ('north', 'south')").query(String.class)
                .single()).as("both MSPs' accounts are at one version").isEqualTo("1 2");

        assertThat(page(north, 0, 50)).isEqualTo("North Alpha, North Beta of 2");
        assertThat(page(south, 0, 50)).isEqualTo("South Alpha, South Beta of 2");
        assertThat(page(north, 0, 50)).isEqualTo("North Alpha, North Beta of 2");
    }

    /**
     * An API token's request reads the token with its user's membership in one statement, on every request: a role
     * changed, a name changed or a membership removed in the database applies to the next request.
     */
    @Test
    void aTokensUserRoleAndMembershipAreReadAtEachRequest() {
        Account msp = accounts.createMsp("tokens", "Tokens MSP", "owner@tokens.example", "tokens.example", "USD",
                "test");
        UUID user = users.addMember(msp.id(), AccountKind.MSP, "ops@tokens.example", "Ops", Optional.empty(),
                Role.OWNER, "test").userId();
        PortalClient token = PortalClient.withToken(port, tokens.create(user, msp.id(), "ops",
                io.rebill.identity.TokenScope.WRITE).secret());
        assertThat(me(token)).isEqualTo("200 Ops owner Tokens MSP");

        jdbc.sql("UPDATE membership SET role = 'viewer' WHERE user_id = :user").param("user", user).update();
        jdbc.sql("UPDATE app_user SET display_name = 'Ops Team' WHERE id = :user").param("user", user).update();
        assertThat(me(token)).isEqualTo("200 Ops Team viewer Tokens MSP");
        assertThat(token.post("/api/v1/managed_accounts", Map.of("name", "Nope", "contact_email",
                "a+nope@tokens.example")).status()).isEqualTo(403);

        jdbc.sql("DELETE FROM membership WHERE user_id = :user").param("user", user).update();
        assertThat(token.get("/api/v1/me").status()).isEqualTo(403);
        assertThat(jdbc.sql("SELECT count(*) FROM api_token WHERE user_id = :user AND last_used_at IS NOT NULL")
                .param("user", user).query(Long.class).single()).as("its last use is recorded").isOne();
    }

    private static String me(PortalClient client) {
        Response r = client.get("/api/v1/me");
        return r.status() + " " + r.body().path("name").asString() + " " + r.body().path("role").asString() + " "
                + r.body().path("account").path("name").asString();
    }

    private PortalClient newMsp(String key) {
        Account msp = accounts.createMsp(key, key.substring(0, 1).toUpperCase() + key.substring(1) + " MSP",
                "owner@" + key + ".example", key + ".example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + key + ".example", "Ana Lee",
                Optional.of("owner-password-1"), Role.OWNER, "test");
        return PortalClient.signIn(port, "owner@" + key + ".example", "owner-password-1");
    }

    private static String created(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().path("id").asString();
    }

    private static String accountsOf(PortalClient client) {
        var body = client.get("/api/v1/managed_accounts?limit=50").body();
        return body.path("items").valueStream().map(a -> a.path("name").asString() + " "
                        + a.path("contact_email").asString() + " " + a.path("match").asString("-"))
                .collect(java.util.stream.Collectors.joining(", ")) + " of " + body.path("total").asLong();
    }

    private static String page(PortalClient client, int offset, int limit) {
        var body = client.get("/api/v1/managed_accounts?offset=" + offset + "&limit=" + limit).body();
        String next = body.path("next").asString("");
        return body.path("items").valueStream().map(a -> a.path("name").asString())
                .collect(java.util.stream.Collectors.joining(", ")) + " of " + body.path("total").asLong()
                + (next.isEmpty() ? "" : ", next " + next.substring(next.indexOf('?') + 1));
    }

    @Test
    void theContactEmailMustBeInTheMspDomainAndUnique() {
        create("Globex", "admin+globex@msp.example");

        Response foreign = owner.post("/api/v1/managed_accounts", Map.of("name", "Evil", "contact_email", "boss@evil.example"));
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.detail()).contains("msp.example");

        Response duplicate = owner.post("/api/v1/managed_accounts",
                Map.of("name", "Globex again", "contact_email", "ADMIN+globex@msp.example"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.code()).isEqualTo("DUPLICATE");
        assertThat(duplicate.detail()).containsIgnoringCase("admin+globex@msp.example");

        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE name IN ('Evil', 'Globex again')").query(Long.class).single())
                .isZero();
    }

    @Test
    void renameAndChangeEmail() {
        String id = create("Initech", "admin+initech@msp.example");

        Response renamed = owner.patch("/api/v1/managed_accounts/" + id,
                Map.of("name", "Initech GmbH", "contact_email", "billing+initech@msp.example"));

        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        Response read = owner.get("/api/v1/managed_accounts/" + id);
        assertThat(read.body().path("name").asString()).isEqualTo("Initech GmbH");
        assertThat(read.body().path("contact_email").asString()).isEqualTo("billing+initech@msp.example");
    }

    @Test
    void deleteNeedsTheNameAsConfirmationAndIsPermanent() {
        String id = create("Umbrella", "admin+umbrella@msp.example");
        owner.post("/api/v1/managed_accounts/" + id + "/enter", Map.of());
        assertThat(owner.post("/api/v1/users", Map.of("email", "it@umbrella.example", "role", "owner",
                "password", "umbrella-password-1")).status()).isEqualTo(201);
        owner.post("/api/v1/session/return", Map.of());

        Response unconfirmed = owner.delete("/api/v1/managed_accounts/" + id, Map.of("confirm", "umbrella"));
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(unconfirmed.detail()).contains("Umbrella");
        assertThat(owner.get("/api/v1/managed_accounts/" + id).status()).isEqualTo(200);

        Response deleted = owner.delete("/api/v1/managed_accounts/" + id, Map.of("confirm", "Umbrella"));
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(owner.get("/api/v1/managed_accounts/" + id).status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE id = :id").param("id", UUID.fromString(id))
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM app_user WHERE email = 'it@umbrella.example'").query(Long.class)
                .single()).as("the account's users go with it").isZero();
    }

    @Test
    void unlinkKeepsTheAccountButTheMspLosesIt() {
        String id = create("Hooli", "admin+hooli@msp.example");

        Response unlinked = owner.post("/api/v1/managed_accounts/" + id + "/unlink", Map.of());

        assertThat(unlinked.status()).as(unlinked.text()).isEqualTo(200);
        assertThat(owner.get("/api/v1/managed_accounts/" + id).status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM account WHERE id = :id AND msp_id IS NULL AND unlinked_at IS NOT NULL")
                .param("id", UUID.fromString(id)).query(Long.class).single()).isOne();
    }

    @Test
    void enteringAnAccountActsAsManagerUserAndTheAuditLogKeepsTheRealPerson() {
        String id = create("Stark", "admin+stark@msp.example");

        Response entered = owner.post("/api/v1/managed_accounts/" + id + "/enter", Map.of());
        assertThat(entered.status()).as(entered.text()).isEqualTo(200);
        assertThat(entered.body().path("acting_as").asString()).isEqualTo("Manager User");

        Response me = owner.get("/api/v1/me");
        assertThat(me.header("Rebill-Acting-As")).contains("Manager User");
        assertThat(me.header("Rebill-Account")).contains(id);
        assertThat(me.body().path("account").path("id").asString()).isEqualTo(id);

        Response user = owner.post("/api/v1/users", Map.of("email", "cfo@stark.example", "name", "Pepper",
                "role", "owner", "password", "a-long-password-1"));
        assertThat(user.status()).as(user.text()).isEqualTo(201);
        assertThat(user.body().path("created_by").asString()).isEqualTo("Manager User");

        // the MSP's staff cannot reach MSP actions from inside the customer account
        assertThat(owner.get("/api/v1/managed_accounts").status()).isEqualTo(403);

        Response back = owner.post("/api/v1/session/return", Map.of());
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.header("Rebill-Acting-As")).isEmpty();
        assertThat(owner.get("/api/v1/managed_accounts").status()).isEqualTo(200);

        Response audit = owner.get("/api/v1/audit_logs?limit=200");
        var created = audit.body().path("items").valueStream()
                .filter(e -> e.path("action").asString().equals("user.create")).findFirst().orElseThrow();
        assertThat(created.path("actor_email").asString()).isEqualTo("owner@msp.example");
        assertThat(created.path("acting_as").asString()).isEqualTo("Manager User");

        // the customer's own Owner sees the MSP's staff as Manager User only
        PortalClient pepper = PortalClient.signIn(port, "cfo@stark.example", "a-long-password-1");
        var seen = pepper.get("/api/v1/audit_logs?limit=200").body().path("items").valueStream()
                .filter(e -> e.path("action").asString().equals("user.create")).findFirst().orElseThrow();
        assertThat(seen.path("actor_email").asString()).isEqualTo("Manager User");
        assertThat(pepper.get("/api/v1/managed_accounts").status()).isEqualTo(403);
        assertThat(pepper.delete("/api/v1/managed_accounts/" + id, Map.of("confirm", "Stark")).status()).isEqualTo(403);
    }

    @Test
    void apiTokensAreShownOnceHashedAtRestScopedAndRevocable() {
        Response created = owner.post("/api/v1/api_tokens", Map.of("name", "ci", "scope", "read"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String secret = created.body().path("token").asString();
        assertThat(secret).startsWith("rb_");
        assertThat(jdbc.sql("SELECT count(*) FROM api_token WHERE token_hash = :s OR prefix = :s").param("s", secret)
                .query(Long.class).single()).isZero();

        PortalClient reader = PortalClient.withToken(port, secret);
        assertThat(reader.get("/api/v1/managed_accounts").status()).isEqualTo(200);
        Response write = reader.post("/api/v1/managed_accounts", Map.of("name", "Nope", "contact_email", "a+nope@msp.example"));
        assertThat(write.status()).isEqualTo(403);

        owner.delete("/api/v1/api_tokens/" + created.body().path("id").asString(), null);
        assertThat(reader.get("/api/v1/managed_accounts").status()).isEqualTo(401);
    }

    @Test
    void badJsonNamesTheProblemAndChangesNothing() {
        long before = jdbc.sql("SELECT count(*) FROM account").query(Long.class).single();

        Response malformed = owner.post("/api/v1/managed_accounts", "{\"name\": \"X\", ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("BAD_REQUEST");

        Response unknown = owner.post("/api/v1/managed_accounts",
                Map.of("name", "X", "contact_email", "a+x@msp.example", "colour", "red"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.detail()).contains("colour");

        Response badId = owner.get("/api/v1/managed_accounts/not-a-uuid");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(owner.get("/api/v1/managed_accounts/" + UUID.randomUUID()).status()).isEqualTo(404);

        assertThat(jdbc.sql("SELECT count(*) FROM account").query(Long.class).single()).isEqualTo(before);
    }
}
