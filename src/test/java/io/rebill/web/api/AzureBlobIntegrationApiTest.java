package io.rebill.web.api;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import io.rebill.TestData;
import io.rebill.ingestion.AzuriteServer;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.ingestion.SyncResult;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.IntegrationSetup;
import io.rebill.tenancy.Integrations;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Azure Cost Management export in Azure Blob Storage as an integration, end to end through the real API against
 * Azurite (Microsoft's storage emulator, a child process on loopback) and the embedded PostgreSQL: the connection
 * string or key is sealed at rest and never answered; Sync now reads only the latest run of a month, downloads a blob
 * once, takes a restated month whole; a wrong key puts the integration in Error with the reason and keeps what was
 * stored. The export is the public EA cost-details sample (27 lines, 1.26136926505726 CAD).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureBlobIntegrationApiTest extends ApiTestBase {
    private static final String RANGE = "costs/monthly-actual/20230901-20230930/";
    private static final BillingPeriod SEPT_2023 = BillingPeriod.parse("2023-09");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Ingestion ingestion;
    @Autowired
    IntegrationSetup setup;

    private AzuriteServer azurite;
    private PortalClient owner;
    private String sample;

    @BeforeAll
    void startAzurite() throws Exception {
        azurite = AzuriteServer.start(Files.createTempDirectory(home(), "azurite-"));
        sample = Files.readString(TestData.shared("azure-samples/ea-cost-details-anonymized.csv"), StandardCharsets.UTF_8);
    }

    @AfterAll
    void stopAzurite() {
        azurite.close();
    }

    @BeforeEach
    void signIn() {
        owner = PortalClient.signIn(port, OWNER, PASSWORD);
    }

    private BlobContainerClient containerWithTheSample() {
        BlobContainerClient container = azurite.newContainer("exports-" + UUID.randomUUID().toString().substring(0, 8));
        container.getBlobClient(RANGE + "run-1/part_0_0001.csv").upload(BinaryData.fromString(sample), true);
        container.getBlobClient(RANGE + "run-1/manifest.json").upload(BinaryData.fromString("{\"blobCount\": 1}"), true);
        return container;
    }

    private StoredPeriod september(String id) {
        return ingestion.source(Integrations.sourceName(UUID.fromString(id))).period(SEPT_2023).orElseThrow();
    }

    private String storedCredential(String id) {
        return jdbc.sql("SELECT credential FROM integration WHERE id = :id").param("id", UUID.fromString(id))
                .query(String.class).single();
    }

    @Test
    void anAzureBlobExportSyncsOnDemandDownloadsEachBlobOnceAndItsConnectionStringIsNeverAnswered() throws Exception {
        BlobContainerClient container = containerWithTheSample();

        Response made = created(owner.post("/api/v1/integrations", map("provider", "azure", "name", "EA enrollment",
                "kind", "azure_blob", "azure_blob", map("connection_string", azurite.connectionString(),
                        "container", container.getBlobContainerName(), "prefix", "costs/monthly-actual"))));
        String id = made.body().path("id").asString();

        assertThat(made.text()).doesNotContain(AzuriteServer.KEY).doesNotContain("AccountKey");
        assertThat(made.body().path("location").toString()).isEqualTo("{\"kind\":\"azure_blob\",\"account_url\":\""
                + azurite.endpoint() + "\",\"container\":\"" + container.getBlobContainerName() + "\",\"prefix\":"
                + "\"costs/monthly-actual\",\"export_kind\":\"actual\",\"auth\":\"connection_string\",\"secret_set\":true}");
        assertThat(storedCredential(id)).startsWith("rbs1:").doesNotContain(AzuriteServer.KEY);
        assertThat(jdbc.sql("SELECT row_to_json(i)::text FROM integration i WHERE id = :id")
                .param("id", UUID.fromString(id)).query(String.class).single()).doesNotContain(AzuriteServer.KEY);
        // a new Azure Blob integration is due for its first scheduled sync at once, like an S3 one
        assertThat(setup.due()).extracting(IntegrationSetup.Due::integration).contains(UUID.fromString(id));

        Response synced = owner.post("/api/v1/integrations/" + id + "/ingest", null);
        ok(synced);

        assertThat(synced.body().path("status").asString()).isEqualTo("Stable");
        assertThat(synced.body().path("periods").toString()).isEqualTo("[\"2023-09\"]");
        assertThat(synced.body().path("last_sync_at").asString()).isNotBlank();
        assertThat(setup.due()).extracting(IntegrationSetup.Due::integration).doesNotContain(UUID.fromString(id));
        assertThat(september(id).sums().billed().stripTrailingZeros().toPlainString()).isEqualTo("1.26136926505726");
        assertThat(september(id).sums().lineCount()).isEqualTo(27);
        for (String answer : List.of(synced.text(), owner.get("/api/v1/integrations/" + id).text(),
                owner.get("/api/v1/integrations").text())) {
            assertThat(answer).doesNotContain(AzuriteServer.KEY);
        }

        // nothing new in the container: nothing is downloaded, nothing stored again
        SyncResult again = setup.sync(accountOf(id), UUID.fromString(id));
        assertThat(again.objectsDownloaded()).isZero();
        assertThat(again.ingested()).isEmpty();
        assertThat(again.unchanged()).containsExactly(SEPT_2023);

        // Azure restates the month in a later run without its last line: the month is replaced whole
        String[] lines = sample.split("\n");
        String restated = String.join("\n", Arrays.copyOf(lines, lines.length - 1)) + "\n";
        BigDecimal dropped = costOf(lines[0], lines[lines.length - 1]);
        Thread.sleep(1100); // a later Last-Modified second for the restating run
        container.getBlobClient(RANGE + "run-2/part_0_0001.csv").upload(BinaryData.fromString(restated), true);

        SyncResult restatement = setup.sync(accountOf(id), UUID.fromString(id));

        assertThat(restatement.objectsDownloaded()).isEqualTo(1);
        assertThat(restatement.ingested()).containsExactly(SEPT_2023);
        assertThat(september(id).sums().lineCount()).isEqualTo(26);
        assertThat(september(id).sums().billed().stripTrailingZeros().toPlainString())
                .isEqualTo(new BigDecimal("1.26136926505726").subtract(dropped).stripTrailingZeros().toPlainString());
    }

    @Test
    void aWrongAccountKeyPutsTheIntegrationInErrorWithTheReasonAndKeepsTheStoredMonth() {
        BlobContainerClient container = containerWithTheSample();
        String id = created(owner.post("/api/v1/integrations", map("provider", "azure", "name", "EA by key",
                "kind", "azure_blob", "azure_blob", map("account_url", azurite.endpoint().toString(),
                        "account_key", AzuriteServer.KEY, "container", container.getBlobContainerName(),
                        "prefix", "costs/monthly-actual")))).body().path("id").asString();
        ok(owner.post("/api/v1/integrations/" + id + "/ingest", null));
        String wrong = java.util.Base64.getEncoder().encodeToString("not the account key".getBytes(StandardCharsets.UTF_8));

        Response changed = owner.patch("/api/v1/integrations/" + id, map("azure_blob", map("container",
                container.getBlobContainerName(), "prefix", "costs/monthly-actual", "account_key", wrong)));
        ok(changed);
        Response refused = owner.post("/api/v1/integrations/" + id + "/ingest", null);
        Response after = owner.get("/api/v1/integrations/" + id);
        ok(after);

        assertThat(changed.text()).doesNotContain(wrong);
        assertThat(changed.body().path("location").path("auth").asString()).isEqualTo("account_key");
        assertThat(refused.status()).isBetween(400, 499);
        assertThat(refused.detail()).contains("access refused (403)", "check the account key").doesNotContain(wrong);
        assertThat(after.body().path("status").asString()).isEqualTo("Error");
        assertThat(after.body().path("message").asString()).contains("access refused (403)");
        assertThat(after.body().path("periods").toString()).isEqualTo("[\"2023-09\"]");
        assertThat(september(id).sums().billed().stripTrailingZeros().toPlainString()).isEqualTo("1.26136926505726");

        // the right key again: Stable, nothing downloaded anew
        ok(owner.patch("/api/v1/integrations/" + id, map("azure_blob", map("container",
                container.getBlobContainerName(), "prefix", "costs/monthly-actual", "account_key", AzuriteServer.KEY))));
        assertThat(ok(owner.post("/api/v1/integrations/" + id + "/ingest", null)).path("status").asString())
                .isEqualTo("Stable");
    }

    @Test
    void anAzureBlobIntegrationNamesWhatIsWrongWithItsSettingsAndIsNotCreated() {
        Map<String, Object> noSecret = map("container", "exports", "account_url", "https://acme.blob.core.windows.net");
        Map<String, Object> both = map("container", "exports", "connection_string", azurite.connectionString(),
                "account_url", "https://acme.blob.core.windows.net");
        Map<String, Object> badKind = map("container", "exports", "connection_string", azurite.connectionString(),
                "export_kind", "daily");
        Map<String, Object> sasInUrl = map("container", "exports", "account_url",
                "https://acme.blob.core.windows.net/?sv=2022-11-02&sig=abc", "account_key", AzuriteServer.KEY);
        Map<String, Object> badContainer = map("container", "Exports_1", "connection_string", azurite.connectionString());

        assertThat(refusal("azure", noSecret)).contains("give connection_string, or account_url with account_key or sas_token");
        assertThat(refusal("azure", both)).contains("not both");
        assertThat(refusal("azure", badKind)).contains("export_kind 'daily' is not one of [actual, amortized, focus]");
        assertThat(refusal("azure", sasInUrl)).contains("account_url carries a query").doesNotContain("sig=abc");
        assertThat(refusal("azure", badContainer)).contains("container 'Exports_1'");
        assertThat(refusal("aws", map("container", "exports", "connection_string", azurite.connectionString())))
                .contains("an Azure Blob export is read for provider azure or focus, not aws");
        assertThat(jdbc.sql("SELECT count(*) FROM integration WHERE name = 'Refused Azure'").query(Long.class).single())
                .isZero();
    }

    private String refusal(String provider, Map<String, Object> settings) {
        Response refused = owner.post("/api/v1/integrations", map("provider", provider, "name", "Refused Azure",
                "kind", "azure_blob", "azure_blob", settings));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).doesNotContain(AzuriteServer.KEY);
        return refused.detail();
    }

    private UUID accountOf(String id) {
        return jdbc.sql("SELECT account_id FROM integration WHERE id = :id").param("id", UUID.fromString(id))
                .query(UUID.class).single();
    }

    /** The CostInBillingCurrency of one CSV line of the sample (its fields hold quoted commas), by the header. */
    private static BigDecimal costOf(String header, String line) {
        List<String> names = fields(header.replace("\uFEFF", "").strip());
        return new BigDecimal(fields(line.strip()).get(names.indexOf("CostInBillingCurrency")));
    }

    private static List<String> fields(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }
}
