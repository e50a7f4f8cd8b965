package io.rebill.web.api;

import io.rebill.TestData;
import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.S3MockServer;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.AccountKind;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integrations that read S3 exports (S3Mock beside the test) or take uploaded files, through the real API on the
 * embedded PostgreSQL: the secret access key is never answered and never stored in plain text; uploads stream to
 * disk under the operator's limit (2 MB here) and no answer to a customer names a server folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntegrationLocationsApiTest extends ApiTestBase {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Ingestion ingestion;
    @Autowired
    IntegrationSetup setup;
    @Autowired
    Users users;

    private S3MockServer s3mock;
    private S3Client s3;
    private PortalClient owner;

    @BeforeAll
    void startS3() throws Exception {
        s3mock = S3MockServer.start(Files.createTempDirectory(home(), "s3mock-"));
        s3 = s3mock.client();
        s3.createBucket(b -> b.bucket("msp-billing"));
        String period = "cur/lab/20191101-20191201/";
        s3mock.put(s3, "msp-billing", period + "a1/lab-1.csv.gz", TestData.shared("cur-csv-148-columns/before.csv.gz"));
        s3mock.put(s3, "msp-billing", period + "lab-Manifest.json",
                "{\"assemblyId\":\"a1\",\"reportKeys\":[\"" + period + "a1/lab-1.csv.gz\"]}");
    }

    @AfterAll
    void stopS3() {
        s3.close();
        s3mock.close();
    }

    @BeforeEach
    void signIn() {
        owner = PortalClient.signIn(port, OWNER, PASSWORD);
    }

    private Map<String, Object> s3Settings(String secret) {
        Map<String, Object> s3 = map("bucket", "msp-billing", "prefix", "cur", "report_name", "lab",
                "region", "us-east-1", "endpoint", s3mock.endpoint().toString(), "access_key_id", KEY_ID);
        if (secret != null) {
            s3.put("secret_access_key", secret);
        }
        return s3;
    }

    @Test
    void anS3IntegrationSyncsOnDemandAndItsSecretIsNeitherAnsweredNorStoredInPlainText() {
        Response made = created(owner.post("/api/v1/integrations", map("provider", "aws", "name", "Payer in S3",
                "kind", "s3", "s3", s3Settings(SECRET))));
        String id = made.body().path("id").asString();
        assertThat(made.text()).doesNotContain(SECRET);
        assertThat(made.body().path("location").path("kind").asString()).isEqualTo("s3");
        assertThat(made.body().path("location").path("access_key_id").asString()).isEqualTo(KEY_ID);
        assertThat(made.body().path("location").path("secret_access_key_set").asBoolean()).isTrue();
        assertThat(made.body().path("sync_minutes").asInt()).isEqualTo(360);
        String stored = jdbc.sql("SELECT credential FROM integration WHERE id = :id").param("id", UUID.fromString(id))
                .query(String.class).single();
        assertThat(stored).startsWith("rbs1:").doesNotContain(SECRET).doesNotContain("wJalrXUtnFEMI");
        String row = jdbc.sql("SELECT row_to_json(i)::text FROM integration i WHERE id = :id")
                .param("id", UUID.fromString(id)).query(String.class).single();
        assertThat(row).doesNotContain(SECRET);
        // a new S3 integration is due for its first scheduled sync at once
        assertThat(setup.due()).extracting(IntegrationSetup.Due::integration).contains(UUID.fromString(id));

        JsonCheck synced = new JsonCheck(ok(owner.post("/api/v1/integrations/" + id + "/ingest", null)));

        assertThat(synced.text("status")).isEqualTo("Stable");
        assertThat(synced.node().path("periods").toString()).isEqualTo("[\"2019-11\"]");
        assertThat(synced.node().path("last_sync_at").asString()).isNotBlank();
        assertThat(setup.due()).extracting(IntegrationSetup.Due::integration).doesNotContain(UUID.fromString(id));
        StoredPeriod nov = ingestion.source(Integrations.sourceName(UUID.fromString(id)))
                .period(BillingPeriod.parse("2019-11")).orElseThrow();
        assertThat(nov.sums().billed().stripTrailingZeros().toPlainString()).isEqualTo("89.170632878");
        assertThat(owner.get("/api/v1/integrations/" + id).text()).doesNotContain(SECRET);
        assertThat(owner.get("/api/v1/integrations").text()).doesNotContain(SECRET);
    }

    @Test
    void aChangeWithoutTheSecretKeepsItAndTheSyncIntervalIsSettable() {
        String id = created(owner.post("/api/v1/integrations", map("provider", "aws", "name", "Payer kept",
                "kind", "s3", "s3", s3Settings(SECRET)))).body().path("id").asString();
        String before = jdbc.sql("SELECT credential FROM integration WHERE id = :id").param("id", UUID.fromString(id))
                .query(String.class).single();

        Response changed = owner.patch("/api/v1/integrations/" + id, map("s3", s3Settings(null), "sync_minutes", 30));

        assertThat(ok(changed).path("sync_minutes").asInt()).isEqualTo(30);
        assertThat(changed.body().path("location").path("secret_access_key_set").asBoolean()).isTrue();
        assertThat(jdbc.sql("SELECT credential FROM integration WHERE id = :id").param("id", UUID.fromString(id))
                .query(String.class).single()).isEqualTo(before);
        assertThat(ok(owner.post("/api/v1/integrations/" + id + "/ingest", null)).path("status").asString())
                .isEqualTo("Stable");
        Response tooOften = owner.patch("/api/v1/integrations/" + id, map("sync_minutes", 5));
        assertThat(tooOften.status()).isEqualTo(400);
        assertThat(tooOften.detail()).contains("sync_minutes must be between 15 and 10080");
    }

    @Test
    void anS3IntegrationNeedsASecretWithItsAccessKeyAndNamesWhatIsWrong() {
        Response noSecret = owner.post("/api/v1/integrations", map("provider", "aws", "name", "No secret",
                "kind", "s3", "s3", s3Settings(null)));
        Response badBucket = owner.post("/api/v1/integrations", map("provider", "aws", "name", "Bad bucket",
                "kind", "s3", "s3", map("bucket", "Not_A_Bucket", "report_name", "r", "access_key_id", KEY_ID,
                        "secret_access_key", SECRET)));

        assertThat(noSecret.status()).isEqualTo(400);
        assertThat(noSecret.detail()).contains("secret_access_key is required");
        assertThat(badBucket.status()).isEqualTo(400);
        assertThat(badBucket.detail()).contains("bucket 'Not_A_Bucket' is not an S3 bucket name");
        assertThat(jdbc.sql("SELECT count(*) FROM integration WHERE name IN ('No secret', 'Bad bucket')")
                .query(Long.class).single()).isZero();
    }

    /** A customer account's own integration that takes uploads, used by a customer Owner who has no shell access. */
    private PortalClient customerOwner(String key) {
        String account = created(owner.post("/api/v1/managed_accounts", map("name", "Upload " + key + " Corp",
                "contact_email", "admin+upload-" + key + "@msp.example"))).body().path("id").asString();
        users.addMember(UUID.fromString(account), AccountKind.CUSTOMER, "owner@upload-" + key + ".example",
                "Upload Owner", Optional.of("customer-password-123"), Role.OWNER, "test");
        return PortalClient.signIn(port, "owner@upload-" + key + ".example", "customer-password-123");
    }

    @Test
    void aCustomerUploadsAFileThatIsIngestedWithTheFolderIngestsSumsAndSeesNoServerPath() throws Exception {
        PortalClient customer = customerOwner("a");
        String id = created(customer.post("/api/v1/integrations", map("provider", "focus", "name", "Our FOCUS export",
                "kind", "uploads"))).body().path("id").asString();
        byte[] focus = Files.readAllBytes(TestData.shared("focus-1.0-sample/focus_sample.csv"));

        Response uploaded = customer.upload("/api/v1/integrations/" + id + "/uploads?file_name=focus_sample.csv",
                focus, "text/csv");

        assertThat(ok(uploaded).path("status").asString()).isEqualTo("Stable");
        assertThat(uploaded.body().path("periods").toString()).isEqualTo("[\"2024-09\",\"2024-10\"]");
        StoredPeriod sep = ingestion.source(Integrations.sourceName(UUID.fromString(id)))
                .period(BillingPeriod.parse("2024-09")).orElseThrow();
        assertThat(sep.sums().lineCount()).isEqualTo(999);
        assertThat(sep.sums().billed().stripTrailingZeros().toPlainString()).isEqualTo("20.28022672899");
        assertThat(uploaded.body().path("location").toString()).isEqualTo("{\"kind\":\"uploads\"}");

        // a broken file: refused naming the file and line, nothing stored changes, and no server folder is named
        String bad = "BilledCost,BillingPeriodStart\nnot-a-number,2024-09-01\n";
        Response refused = customer.upload("/api/v1/integrations/" + id + "/uploads?file_name=broken.csv",
                bad.getBytes(StandardCharsets.UTF_8), "text/csv");
        Response after = customer.get("/api/v1/integrations/" + id);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.detail()).contains("broken.csv");
        assertThat(after.body().path("status").asString()).isEqualTo("Error");
        assertThat(after.body().path("periods").toString()).isEqualTo("[\"2024-09\",\"2024-10\"]");
        for (String text : new String[]{refused.text(), after.text(), customer.get("/api/v1/integrations").text()}) {
            assertThat(text).doesNotContain(home().toAbsolutePath().toString()).doesNotContain("/tmp/")
                    .doesNotContain("upload-").doesNotContain("imports");
        }
        assertThat(ingestion.source(Integrations.sourceName(UUID.fromString(id))).period(BillingPeriod.parse("2024-09"))
                .orElseThrow().sums()).isEqualTo(sep.sums());
    }

    @Test
    void anUploadOverTheOperatorsLimitIsRefusedWith413AndNothingIsStored() {
        PortalClient customer = customerOwner("b");
        String id = created(customer.post("/api/v1/integrations", map("provider", "aws", "name", "Big uploads",
                "kind", "uploads"))).body().path("id").asString();
        byte[] big = new byte[3 * 1024 * 1024];

        Response refused = customer.upload("/api/v1/integrations/" + id + "/uploads?file_name=big.csv", big, "text/csv");

        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.detail()).contains("upload limit of 2 MiB", "nothing was stored");
        assertThat(customer.get("/api/v1/integrations/" + id).body().path("periods").toString()).isEqualTo("[]");
    }

    @Test
    void aMultipartUploadFromTheIntegrationsPageIsIngestedToo() throws Exception {
        String id = created(owner.post("/api/v1/integrations", map("provider", "aws", "name", "Uploaded CUR",
                "kind", "uploads"))).body().path("id").asString();
        byte[] cur = Files.readAllBytes(TestData.shared("cur-csv-anonymized/sample-anonymous-aws-export-dataset.csv"));
        String boundary = "rebill-" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cur.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(cur);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

        Response uploaded = owner.upload("/api/v1/integrations/" + id + "/uploads", body.toByteArray(),
                "multipart/form-data; boundary=" + boundary);

        assertThat(ok(uploaded).path("periods").toString()).isEqualTo("[\"2023-11\"]");
        assertThat(ingestion.source(Integrations.sourceName(UUID.fromString(id))).period(BillingPeriod.parse("2023-11"))
                .orElseThrow().sums().billed().stripTrailingZeros().toPlainString()).isEqualTo("1.6823086974");
    }

    @Test
    void anIntegrationThatReadsS3TakesNoUploads() {
        String id = created(owner.post("/api/v1/integrations", map("provider", "aws", "name", "S3 only",
                "kind", "s3", "s3", s3Settings(SECRET)))).body().path("id").asString();

        Response refused = owner.upload("/api/v1/integrations/" + id + "/uploads?file_name=x.csv",
                "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "text/csv");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.detail()).contains("reads its files from S3");
    }

    @Test
    void aFolderOutsideTheAccountsImportFolderIsRefusedWithoutNamingTheServersFolders() {
        Response refused = owner.post("/api/v1/integrations", map("provider", "aws", "name", "Escape",
                "folder", "../../../etc"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.detail()).contains("is outside this account's import folder")
                .doesNotContain(home().toAbsolutePath().toString());
        assertThat(jdbc.sql("SELECT count(*) FROM integration WHERE name = 'Escape'").query(Long.class).single()).isZero();
    }

    /** A JSON answer's fields, read the way a caller would. */
    private record JsonCheck(tools.jackson.databind.JsonNode node) {
        String text(String field) {
            return node.path(field).asString();
        }
    }

    @SuppressWarnings("unused")
    private static RequestBody unused() {
        return RequestBody.empty();
    }
}
