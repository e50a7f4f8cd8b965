package io.rebill.web.portal;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
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
import java.util.stream.Collectors;

import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workflows list says whom each workflow bills ({@code assigned_to}) from the listed workflows' own assignments,
 * not from the whole configuration (issue 14 item 11): an assignment, a move to another workflow and an unassignment
 * show at the next request, a page reads the same as the whole list, staff who may not view managed accounts see no
 * customer, and another MSP's assignments to a workflow of the same key never appear.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.automatic=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WorkflowsListTest {
    private static final String PASSWORD = "owner-password-1";

    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    Users users;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @Test
    void assignedToFollowsEveryAssignmentAtTheNextRequestWithinTheMsp() {
        PortalClient owner = msp("w1");
        String acme = customer(owner, "Acme Corp", "w1");
        String globex = customer(owner, "Globex", "w1");
        ok(owner.post("/api/v1/billing_rules", Map.of("key", "up", "title", "Up", "kind", "uplift", "percent", 3)));
        ok(owner.post("/api/v1/workflows", Map.of("key", "std", "title", "Standard", "rules", List.of("up"))));
        String premium = ok(owner.post("/api/v1/workflows", Map.of("key", "premium", "title", "Premium",
                "rules", List.of("up")))).path("id").asString();
        assertThat(assignedTo(owner, "")).isEqualTo("std: | premium:");

        // another MSP with a workflow of the same key, assigned to its own customer
        PortalClient other = msp("w2");
        String initech = customer(other, "Initech", "w2");
        ok(other.post("/api/v1/workflows", Map.of("key", "std", "title", "Standard", "rules", List.of())));
        assign(other, initech, "std", "2026-09");
        assertThat(assignedTo(other, "")).isEqualTo("std: initech");

        assign(owner, acme, "std", "2026-09");
        assertThat(assignedTo(owner, "")).isEqualTo("std: acme-corp | premium:");
        assign(owner, globex, "std", "2026-09");
        assign(owner, acme, "premium", "2026-10");
        // a workflow lists each customer once, in the MSP's order, whatever the periods
        assertThat(assignedTo(owner, "")).isEqualTo("std: acme-corp, globex | premium: acme-corp");
        assertThat(assignedTo(owner, "?limit=1&offset=1")).isEqualTo("premium: acme-corp");
        assertThat(ok(owner.get("/api/v1/workflows/" + premium)).path("assigned_to").valueStream()
                .map(JsonNode::asString).toList()).containsExactly("acme-corp");

        assertThat(owner.delete("/api/v1/managed_accounts/" + acme + "/workflow_assignments/2026-09", null)
                .status()).isEqualTo(204);
        assertThat(assignedTo(owner, "")).isEqualTo("std: globex | premium: acme-corp");
        assign(owner, globex, "premium", "2026-09");
        assertThat(assignedTo(owner, "")).isEqualTo("std: | premium: acme-corp, globex");

        // an Editor does not view managed accounts: the workflows, never whom they bill
        users.addMember(accounts.mspByKey("w1").orElseThrow().id(), AccountKind.MSP, "editor@w1.example", "Editor",
                Optional.of(PASSWORD), Role.EDITOR, "test");
        PortalClient editor = PortalClient.signIn(port, "editor@w1.example", PASSWORD);
        assertThat(assignedTo(editor, "")).isEqualTo("std: | premium:");
        assertThat(ok(editor.get("/api/v1/workflows/" + premium)).path("assigned_to").isEmpty()).isTrue();
        assertThat(assignedTo(other, "")).isEqualTo("std: initech");
    }

    private PortalClient msp(String key) {
        Account msp = accounts.createMsp(key, "MSP " + key, "owner@" + key + ".example", key + ".example", "USD",
                "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + key + ".example", "Owner " + key, Optional.of(PASSWORD),
                Role.OWNER, "test");
        return PortalClient.signIn(port, "owner@" + key + ".example", PASSWORD);
    }

    private static String customer(PortalClient owner, String name, String msp) {
        return ok(owner.post("/api/v1/managed_accounts", Map.of("name", name,
                "contact_email", "billing+" + name.toLowerCase().replace(' ', '-') + "@" + msp + ".example")))
                .path("id").asString();
    }

    private static void assign(PortalClient owner, String customer, String workflow, String from) {
        Response r = owner.post("/api/v1/managed_accounts/" + customer + "/workflow_assignments",
                Map.of("workflow", workflow, "from", from));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /** Each listed workflow as "key: customer keys", in the list's order. */
    private static String assignedTo(PortalClient client, String query) {
        return ok(client.get("/api/v1/workflows" + query)).path("items").valueStream()
                .map(w -> (w.path("key").asString() + ": " + w.path("assigned_to").valueStream()
                        .map(JsonNode::asString).collect(Collectors.joining(", "))).strip())
                .collect(Collectors.joining(" | "));
    }
}
