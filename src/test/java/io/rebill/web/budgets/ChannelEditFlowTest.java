package io.rebill.web.budgets;

import io.rebill.identity.Users;
import io.rebill.tenancy.Accounts;
import io.rebill.web.GoldenMonth;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notification channels are edited (docs/budgets.md, Notifications): the API's PUT and the Settings > Notifications
 * page change a channel's name, switches and address or webhook URL; a blank target keeps the saved URL, which is
 * never answered or shown in full; the kind stays; another account's channel is 404; the edit is audited without
 * the URL; a delivery not yet sent goes to the channel's new URL (a receiver on loopback records it).
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.notifications.allow-http-loopback=true", "rebill.notifications.poll-ms=200"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelEditFlowTest {
    static final Path home = io.rebill.TestHomes.create("rebill-channel-edit");
    static final HookServer HOOKS = new HookServer();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;

    private GoldenMonth.Msp golden;
    private PortalClient acmeOwner;
    private PortalClient globexOwner;

    @BeforeAll
    void accounts() {
        golden = GoldenMonth.msp(port, accounts, users, "channels", "Cloud Partner Channels",
                new String[][]{{"acme", "owner@acme-channels.example"}, {"globex", "owner@globex-channels.example"}});
        acmeOwner = PortalClient.signIn(port, "owner@acme-channels.example", GoldenMonth.CUSTOMER_PASSWORD);
        globexOwner = PortalClient.signIn(port, "owner@globex-channels.example", GoldenMonth.CUSTOMER_PASSWORD);
    }

    @AfterAll
    void stop() {
        HOOKS.close();
    }

    private String target(String id) {
        return jdbc.sql("SELECT target FROM notification_channel WHERE id = :id").param("id", UUID.fromString(id))
                .query(String.class).single();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aChannelIsRenamedKeepingItsSecretUrlThenGetsANewOneThatPendingDeliveriesUse() {
        String id = created(globexOwner.post("/api/v1/notification_channels", map("name", "Ops", "kind", "slack",
                "target", HOOKS.url("/ops-old")))).body().path("id").asString();

        // renamed with a blank target and budget alerts off: the URL stays, and is answered as its host only
        JsonNode renamed = ok(globexOwner.put("/api/v1/notification_channels/" + id, map("name", "Ops alerts",
                "target", "", "budget_alerts", false)));
        assertThat(renamed.path("name").asString()).isEqualTo("Ops alerts");
        assertThat(renamed.path("budget_alerts").asBoolean()).isFalse();
        assertThat(renamed.path("anomaly_alerts").asBoolean()).isTrue();
        assertThat(renamed.path("target").asString()).startsWith("http://127.0.0.1:").endsWith("/…");
        assertThat(renamed.toString()).doesNotContain("/ops-old");
        assertThat(target(id)).isEqualTo(HOOKS.url("/ops-old"));

        // a new URL: saved, checked like a new channel's, never echoed
        JsonNode moved = ok(globexOwner.put("/api/v1/notification_channels/" + id, map("name", "Ops alerts",
                "kind", "slack", "target", HOOKS.url("/ops-new"))));
        assertThat(moved.toString()).doesNotContain("/ops-new");
        assertThat(target(id)).isEqualTo(HOOKS.url("/ops-new"));
        assertThat(moved.path("budget_alerts").asBoolean()).as("an absent switch stays").isFalse();

        // a delivery queued for the channel goes to the URL it has when it is sent
        jdbc.sql("INSERT INTO notification_delivery (id, account_id, channel_id, subject, body, status,"
                        + " next_attempt_at) VALUES (:id, :account, :channel, 'Budget Globex: 80 % of actual reached',"
                        + " 'Spend so far is USD 80.00.', 'pending', now())")
                .param("id", UUID.randomUUID()).param("account", UUID.fromString(golden.globex()))
                .param("channel", UUID.fromString(id)).update();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (HOOKS.calls("/ops-new") == 0 && System.nanoTime() < deadline) {
            sleep();
        }
        assertThat(HOOKS.calls("/ops-new")).isEqualTo(1);
        assertThat(HOOKS.calls("/ops-old")).isZero();
        assertThat(HOOKS.bodies("/ops-new").getFirst()).contains("80 % of actual reached");

        // refused: another kind, an http URL to another host, a name taken, an empty name; nothing changes
        Response kind = globexOwner.put("/api/v1/notification_channels/" + id, map("name", "Ops alerts",
                "kind", "email", "target", "ops@globex.example"));
        assertThat(kind.status()).isEqualTo(400);
        assertThat(kind.detail()).contains("kind: channel Ops alerts is slack; a channel keeps its kind");
        Response http = globexOwner.put("/api/v1/notification_channels/" + id, map("name", "Ops alerts",
                "target", "http://hooks.example.com/services/x"));
        assertThat(http.status()).isEqualTo(400);
        created(globexOwner.post("/api/v1/notification_channels", map("name", "Finance", "kind", "email",
                "target", "finance@globex.example")));
        assertThat(globexOwner.put("/api/v1/notification_channels/" + id, map("name", "Finance")).status())
                .isEqualTo(409);
        assertThat(globexOwner.put("/api/v1/notification_channels/" + id, map("name", " ")).status()).isEqualTo(400);
        assertThat(target(id)).isEqualTo(HOOKS.url("/ops-new"));

        // another account's channel is unknown, as any other id
        Response foreign = acmeOwner.put("/api/v1/notification_channels/" + id, map("name", "Mine"));
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.detail()).contains("no notification channel " + id);
        assertThat(ok(globexOwner.get("/api/v1/notification_channels/" + id)).path("name").asString())
                .isEqualTo("Ops alerts");

        // the audit log says what changed, never the URL
        List<String> sentences = new ArrayList<>();
        ok(globexOwner.get("/api/v1/audit_logs?kind=costs&limit=200")).path("items")
                .forEach(e -> sentences.add(e.path("sentence").asString()));
        String who = renamed.path("created_by").asString();
        assertThat(sentences).contains(who + " changed the Slack channel Ops (now Ops alerts) for Globex: budget"
                + " alerts off", who + " changed the Slack channel Ops alerts for Globex: webhook URL");
        assertThat(String.join("\n", sentences)).doesNotContain("/ops-");
    }

    @Test
    void thePageEditsAChannelWithoutShowingItsUrl() {
        String id = created(globexOwner.post("/api/v1/notification_channels", map("name", "Teams room", "kind",
                "teams", "target", HOOKS.url("/teams-room")))).body().path("id").asString();
        String list = globexOwner.page("/settings/notifications").body();
        assertThat(list).contains("Edit channel Teams room").contains("/settings/notifications?edit=" + id);

        String form = globexOwner.page("/settings/notifications?edit=" + id).body();
        assertThat(form).contains("Edit channel Teams room", "Webhook URL", "Leave blank to keep http://127.0.0.1:",
                "Save channel").doesNotContain("/teams-room");

        var saved = globexOwner.submit("/settings/notifications?edit=" + id, "/settings/notifications/" + id,
                Map.of("name", "Teams FinOps", "target", "", "anomaly_alerts", "true"));
        assertThat(saved.statusCode()).isEqualTo(302);
        JsonNode after = ok(globexOwner.get("/api/v1/notification_channels/" + id));
        assertThat(after.path("name").asString()).isEqualTo("Teams FinOps");
        assertThat(after.path("budget_alerts").asBoolean()).as("an unticked box is off").isFalse();
        assertThat(after.path("anomaly_alerts").asBoolean()).isTrue();
        assertThat(target(id)).isEqualTo(HOOKS.url("/teams-room"));
        assertThat(globexOwner.page("/settings/notifications").body()).contains("Channel Teams FinOps saved.");

        // Acme's Owner cannot open Globex's channel in its form
        var foreign = acmeOwner.page("/settings/notifications?edit=" + id);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).doesNotContain("Teams FinOps");
    }
}
