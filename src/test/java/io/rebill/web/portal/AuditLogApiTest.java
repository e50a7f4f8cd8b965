package io.rebill.web.portal;

import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.rebill.identity.AuditFilter;
import io.rebill.identity.AuditLog;
import io.rebill.shared.paging.PageRequest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit log as people read it (sentences, local dates) and filter it (who, kind, dates), API and page. */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + AuditLogApiTest.PASSWORD, "rebill.database.url="})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AuditLogApiTest {
    static final String PASSWORD = "owner-password-123";

    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    static boolean seeded;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Autowired
    PlatformTransactionManager transactions;

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    private PortalClient owner() {
        PortalClient owner = PortalClient.signIn(port, "admin@msp.example", PASSWORD);
        if (!seeded) {
            seeded = true;
            Response created = owner.post("/api/v1/managed_accounts",
                    Map.of("name", "Northwind Logistics", "contact_email", "admin+northwind@msp.example"));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            Response user = owner.post("/api/v1/users", Map.of("email", "ana@msp.example", "name", "Ana Lee",
                    "role", "integration_owner", "password", "ana-password-1234"));
            assertThat(user.status()).as(user.text()).isEqualTo(201);
            PortalClient ana = PortalClient.signIn(port, "ana@msp.example", "ana-password-1234");
            Response second = ana.post("/api/v1/managed_accounts",
                    Map.of("name", "Blue Harbor Foods", "contact_email", "admin+blueharbor@msp.example"));
            assertThat(second.status()).as(second.text()).isEqualTo(201);
        }
        return owner;
    }

    private static List<String> sentences(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body().path("items").valueStream().map(e -> e.path("sentence").asString()).toList();
    }

    @Test
    void entriesReadAsSentencesWithNamesAndLocalDates() {
        Response all = owner().get("/api/v1/audit_logs?limit=200");
        assertThat(sentences(all)).contains("MSP Admin created the customer account Northwind Logistics",
                "MSP Admin added ana@msp.example as Integration Owner",
                "Ana Lee created the customer account Blue Harbor Foods");
        assertThat(all.text()).doesNotContain("managed_account.create for");
        JsonNode first = all.body().path("items").get(0);
        String expected = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH)
                .withZone(ZoneId.systemDefault()).format(Instant.parse(first.path("at").asString()));
        assertThat(first.path("when").asString()).isEqualTo(expected).matches("\\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}");
    }

    /** An entry whose detail has no name reads the integration's name (looked up only for such entries). */
    @Test
    void anIngestReadsWithItsIntegrationsName() {
        PortalClient owner = owner();
        String msp = owner.get("/api/v1/me").body().path("account").path("id").asString();
        io.rebill.web.TinyCur.write(home.resolve("imports").resolve(msp).resolve("payer").resolve("september.csv"),
                List.of(io.rebill.web.TinyCur.lineIn("2026-09", "s-1", "111111111111", "Usage", "AmazonEC2", "1.00",
                        "1.00")));
        Response integration = owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Main payer",
                "folder", "payer"));
        assertThat(integration.status()).as(integration.text()).isEqualTo(201);
        Response ingest = owner.post("/api/v1/integrations/" + integration.body().path("id").asString() + "/ingest", null);
        assertThat(ingest.status()).as(ingest.text()).isEqualTo(200);

        assertThat(sentences(owner.get("/api/v1/audit_logs?limit=1")))
                .containsExactly("MSP Admin loaded 1 line items into Main payer (Sep 2026)");
    }

    /**
     * The unfiltered log's total is kept by a trigger at commit (V2026_12_11_0100), not counted on each request: it
     * must equal the MSP's entries whoever wrote them, concurrently, with rolled-back writes left out, and a writer
     * whose transaction stays open must not hold up the others. An MSP of its own (the log has no foreign key), so the
     * seeded MSP's entries stay as the other cases expect them.
     */
    @Test
    void theUnfilteredTotalIsEveryCommittedEntryWhoeverWritesThem() throws Exception {
        UUID msp = UUID.randomUUID();
        UUID customer = UUID.randomUUID();
        TransactionTemplate tx = new TransactionTemplate(transactions);
        CountDownLatch openWriterInserted = new CountDownLatch(1);
        CountDownLatch othersDone = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> open = pool.submit(() -> tx.executeWithoutResult(status -> {
                insert(msp, customer, "open.writer");
                openWriterInserted.countDown();
                await(othersDone);
            }));
            await(openWriterInserted);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        int n = i;
                        tx.executeWithoutResult(status -> {
                            insert(msp, n % 2 == 0 ? null : customer, "writer" + writer + ".entry");
                            insert(msp, customer, "writer" + writer + ".second");
                            if (n % 5 == 4) {
                                status.setRollbackOnly();
                            }
                        });
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS); // while the open writer's transaction holds its entry
            }
            assertThat(audit.ofMsp(msp, new PageRequest(0, 10)).total())
                    .as("4 writers x 20 committed transactions x 2 entries; the open one not yet").isEqualTo(160);
            othersDone.countDown();
            open.get(30, TimeUnit.SECONDS);
        } finally {
            othersDone.countDown();
            pool.shutdownNow();
        }
        long counted = jdbc.sql("SELECT count(*) FROM audit_log WHERE msp_id = :m").param("m", msp).query(Long.class).single();
        assertThat(counted).isEqualTo(161);
        var page = audit.ofMsp(msp, new PageRequest(150, 50));
        assertThat(page.total()).isEqualTo(161);
        assertThat(page.items()).hasSize(11);
        assertThat(audit.ofMsp(msp, new PageRequest(500, 50)).total()).as("a page past the end").isEqualTo(161);
        assertThat(audit.ofMsp(msp, new AuditFilter(Optional.empty(), List.of("open"), Optional.empty(),
                Optional.empty()), new PageRequest(0, 50)).total()).as("a filtered page counts").isEqualTo(1);

        jdbc.sql("DELETE FROM audit_log WHERE msp_id = :m AND action = 'open.writer'").param("m", msp).update();
        jdbc.sql("UPDATE audit_log SET msp_id = NULL WHERE msp_id = :m AND action = 'writer0.second'").param("m", msp)
                .update();
        assertThat(audit.ofMsp(msp, new PageRequest(0, 1)).total()).as("not code paths, but counted all the same")
                .isEqualTo(140);
        assertThat(audit.ofMsp(UUID.randomUUID(), new PageRequest(0, 50)).total()).isZero();
    }

    private void insert(UUID msp, UUID account, String action) {
        jdbc.sql("INSERT INTO audit_log (msp_id, account_id, actor_email, action) VALUES (:m, :a, 'load@msp.example', :x)")
                .param("m", msp).param("a", account, java.sql.Types.OTHER).param("x", action).update();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void filtersByWhoKindAndDates() {
        PortalClient owner = owner();
        assertThat(sentences(owner.get("/api/v1/audit_logs?actor_email=ana@msp.example")))
                .containsExactly("Ana Lee created the customer account Blue Harbor Foods");
        assertThat(sentences(owner.get("/api/v1/audit_logs?kind=users")))
                .containsExactly("MSP Admin added ana@msp.example as Integration Owner");
        assertThat(sentences(owner.get("/api/v1/audit_logs?kind=accounts"))).containsExactlyInAnyOrder(
                "MSP Admin created the customer account Northwind Logistics",
                "Ana Lee created the customer account Blue Harbor Foods");
        LocalDate today = LocalDate.now(ZoneId.systemDefault());
        assertThat(sentences(owner.get("/api/v1/audit_logs?from=" + today + "&to=" + today))).hasSize(3);
        assertThat(sentences(owner.get("/api/v1/audit_logs?from=" + today.plusDays(1)))).isEmpty();
        assertThat(sentences(owner.get("/api/v1/audit_logs?to=" + today.minusDays(1)))).isEmpty();
        Response total = owner.get("/api/v1/audit_logs?kind=accounts&actor_email=ANA@msp.example");
        assertThat(total.body().path("total").asLong()).isEqualTo(1);
        // a page carries the total of everything the filter passes; a page past the end too
        Response firstOfTwo = owner.get("/api/v1/audit_logs?kind=accounts&limit=1");
        assertThat(firstOfTwo.body().path("items").size()).isEqualTo(1);
        assertThat(firstOfTwo.body().path("total").asLong()).isEqualTo(2);
        Response pastTheEnd = owner.get("/api/v1/audit_logs?kind=accounts&limit=1&offset=5");
        assertThat(pastTheEnd.body().path("items").size()).isZero();
        assertThat(pastTheEnd.body().path("total").asLong()).isEqualTo(2);

        Response badKind = owner.get("/api/v1/audit_logs?kind=invoicez");
        assertThat(badKind.status()).isEqualTo(400);
        assertThat(badKind.detail()).contains("invoicez").contains("users");
        Response badDate = owner.get("/api/v1/audit_logs?from=6.12.2026");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.detail()).contains("from").contains("6.12.2026");
    }

    @Test
    void someoneWhoCannotChangeRolesSeesThemAsTheSeedNamesThem() {
        owner();
        var page = PortalClient.signIn(port, "ana@msp.example", "ana-password-1234").page("/settings/users");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<span>Integration Owner</span>").contains("<span>Owner</span>")
                .doesNotContain("integration_owner</span>");
    }

    @Test
    void thePageShowsSentencesAndItsFilters() {
        PortalClient owner = owner();
        String page = owner.page("/settings/audit-log?kind=accounts").body();
        assertThat(page).contains("Ana Lee created the customer account Blue Harbor Foods")
                .contains("MSP Admin created the customer account Northwind Logistics")
                .doesNotContain("added ana@msp.example")
                .contains("<option value=\"accounts\" selected=\"selected\">Customer accounts</option>")
                .contains("times in " + ZoneId.systemDefault().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH)
                        + " (" + ZoneId.systemDefault().getId() + ").")
                .doesNotContain("managed_account.create</code>");
    }
}
