package io.rebill.ingestion;

import com.sun.net.httpserver.HttpServer;
import io.rebill.TestData;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 exports read with the real AWS SDK from a real S3-compatible server (Adobe's S3Mock, a child process on
 * loopback) into which the test uploads the public billing files of ../shared/data laid out as AWS delivers them.
 * Each sync's stored sums equal those of ingesting the same files from a folder.
 */
class S3SyncTest {
    private static S3MockServer server;
    private static S3Client s3;
    private static int buckets;

    @TempDir
    static Path mockRoot;

    @TempDir
    Path home;

    Ingestion ingestion;
    String bucket;

    @BeforeAll
    static void startS3() {
        server = S3MockServer.start(mockRoot);
        s3 = server.client();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newBucket() {
        ingestion = new Ingestion(RebillSettings.at(home));
        bucket = "billing-" + (++buckets);
        s3.createBucket(b -> b.bucket(bucket));
    }

    private S3Export export(String prefix, String report) {
        return new S3Export(bucket, prefix, report, "us-east-1", Optional.of(server.endpoint()), Optional.empty(),
                new S3Credentials.AccessKey("AKIAEXAMPLE", "secret-example"));
    }

    private void put(String key, Path file) {
        server.put(s3, bucket, key, file);
    }

    private void put(String key, String body) {
        server.put(s3, bucket, key, body);
    }

    /** A legacy CUR manifest as AWS writes it: the assembly id and the report keys of the current assembly. */
    private static String curManifest(String assemblyId, String... keys) {
        return "{\"assemblyId\":\"" + assemblyId + "\",\"reportKeys\":[\"" + String.join("\",\"", keys) + "\"]}";
    }

    @Test
    void aLegacyCurReportIsReadFromItsCurrentAssemblyWithTheSumsOfTheFolderIngest() {
        Path koku = TestData.shared("cur-csv-multi-account/koku-local/20180801-20180901");
        String assembly = "16e57707-f9e3-49be-8be6-b84e684b5194";
        put("koku-local/20180801-20180901/koku-local-Manifest.json", koku.resolve("koku-local-Manifest.json"));
        put("koku-local/20180801-20180901/" + assembly + "/koku-local-Manifest.json",
                koku.resolve(assembly + "/koku-local-Manifest.json"));
        put("koku-local/20180801-20180901/" + assembly + "/koku-local-1.csv.gz", koku.resolve(assembly + "/koku-local-1.csv.gz"));
        // an earlier assembly AWS left beside the current one, its manifest written last: never read
        put("koku-local/20180801-20180901/0000-earlier/koku-local-1.csv.gz",
                TestData.shared("cur-csv-148-columns/before.csv.gz"));
        put("koku-local/20180801-20180901/0000-earlier/koku-local-Manifest.json",
                curManifest("0000-earlier", "koku-local/20180801-20180901/0000-earlier/koku-local-1.csv.gz"));

        SyncResult first = ingestion.sync("s3-koku", export("", "koku-local"), ProgressListener.silent());
        ingestion.ingest("folder-koku", List.of(TestData.shared("cur-csv-multi-account/koku-local")), ProgressListener.silent());

        assertThat(first.ingested()).containsExactly(BillingPeriod.parse("2018-08"));
        assertThat(first.objectsDownloaded()).isEqualTo(1);
        SourceState fromS3 = ingestion.source("s3-koku");
        assertThat(fromS3.status()).isEqualTo(SourceStatus.STABLE);
        assertThat(fromS3.periods()).extracting(p -> p.period().toString()).containsExactly("2018-06", "2018-07", "2018-08");
        assertThat(fromS3.periods()).extracting(p -> plain(p.sums().billed()))
                .containsExactly("34649.973272612318255145698", "100267.738649643334767685352", "8310.05175593196199516");
        assertThat(fromS3.periods()).extracting(StoredPeriod::sums)
                .isEqualTo(ingestion.source("folder-koku").periods().stream().map(StoredPeriod::sums).toList());
    }

    @Test
    void aRestatedMonthReplacesTheStoredOneAndNoObjectIsDownloadedTwice() {
        String period = "billing/cur/lab/20191101-20191201/";
        put(period + "aaaa/lab-1.csv.gz", TestData.shared("cur-csv-148-columns/before.csv.gz"));
        put(period + "lab-Manifest.json", curManifest("aaaa", period + "aaaa/lab-1.csv.gz"));
        S3Export export = export("billing/cur/", "lab");

        SyncResult first = ingestion.sync("lab", export, ProgressListener.silent());
        StoredPeriod before = ingestion.source("lab").period(BillingPeriod.parse("2019-11")).orElseThrow();
        assertThat(first.objectsDownloaded()).isEqualTo(1);
        assertThat(before.sums().lineCount()).isEqualTo(7850);
        assertThat(plain(before.sums().billed())).isEqualTo("89.170632878");

        SyncResult again = ingestion.sync("lab", export, ProgressListener.silent());
        assertThat(again.objectsDownloaded()).isZero();
        assertThat(again.bytesDownloaded()).isZero();
        assertThat(again.unchanged()).containsExactly(BillingPeriod.parse("2019-11"));

        // AWS restates November: a new assembly, and the period's manifest now points at it
        put(period + "bbbb/lab-1.csv.gz", TestData.shared("cur-csv-148-columns/after.csv.gz"));
        put(period + "lab-Manifest.json", curManifest("bbbb", period + "bbbb/lab-1.csv.gz"));
        SyncResult restated = ingestion.sync("lab", export, ProgressListener.silent());

        StoredPeriod after = ingestion.source("lab").period(BillingPeriod.parse("2019-11")).orElseThrow();
        assertThat(restated.ingested()).containsExactly(BillingPeriod.parse("2019-11"));
        assertThat(restated.objectsDownloaded()).isEqualTo(1);
        assertThat(after.sums().lineCount()).isEqualTo(7600);
        assertThat(plain(after.sums().billed())).isEqualTo("75.0323282789");
        assertThat(plain(after.sums().list())).isEqualTo("75.0928618482");
        assertThat(ingestion.sync("lab", export, ProgressListener.silent()).objectsDownloaded()).isZero();
    }

    @Test
    void aFocusDataExportIsReadFromItsNewestExecution(@TempDir Path files) throws IOException, InterruptedException {
        Path focus = TestData.shared("focus-1.0-sample/focus_sample.csv");
        // an earlier execution that delivered only half of September: replaced by the newer one
        List<String> lines = Files.readAllLines(focus);
        Path partial = Files.write(files.resolve("partial.csv"), lines.subList(0, 400));
        String base = "exports/focus-daily/";
        put(base + "data/BILLING_PERIOD=2024-09/exec-1/focus-daily-00001.csv", partial);
        put(base + "metadata/BILLING_PERIOD=2024-09/exec-1/focus-daily-Manifest.json", dataManifest("exec-1",
                base + "data/BILLING_PERIOD=2024-09/exec-1/focus-daily-00001.csv"));
        Thread.sleep(1100); // S3 keeps LastModified in seconds
        put(base + "data/BILLING_PERIOD=2024-09/exec-2/focus-daily-00001.csv", focus);
        put(base + "metadata/BILLING_PERIOD=2024-09/exec-2/focus-daily-Manifest.json", dataManifest("exec-2",
                base + "data/BILLING_PERIOD=2024-09/exec-2/focus-daily-00001.csv"));

        SyncResult result = ingestion.sync("focus", export("exports", "focus-daily"), ProgressListener.silent());
        ingestion.ingest("folder-focus", List.of(focus), ProgressListener.silent());

        assertThat(result.objectsDownloaded()).isEqualTo(1);
        StoredPeriod sep = ingestion.source("focus").period(BillingPeriod.parse("2024-09")).orElseThrow();
        assertThat(sep.sums().lineCount()).isEqualTo(999);
        assertThat(plain(sep.sums().billed())).isEqualTo("20.28022672899");
        assertThat(plain(sep.sums().effective())).isEqualTo("14.97651418586");
        assertThat(sep.sums()).isEqualTo(ingestion.source("folder-focus").period(BillingPeriod.parse("2024-09"))
                .orElseThrow().sums());
    }

    private String dataManifest(String executionId, String... keys) {
        StringBuilder files = new StringBuilder();
        for (String k : keys) {
            files.append(files.isEmpty() ? "" : ",").append("\"s3://").append(bucket).append('/').append(k).append('"');
        }
        return "{\"executionId\":\"" + executionId + "\",\"exportArn\":\"arn:aws:bcm-data-exports:us-east-1:"
                + "123456789012:export/focus-daily\",\"dataFiles\":[" + files + "]}";
    }

    @Test
    void aBucketThatDoesNotExistPutsTheSourceInErrorWithTheReason() {
        S3Export missing = new S3Export("no-such-bucket", "cur", "r", "us-east-1", Optional.of(server.endpoint()),
                Optional.empty(), new S3Credentials.AccessKey("AKIAEXAMPLE", "secret-example"));

        assertThatThrownBy(() -> ingestion.sync("missing", missing, ProgressListener.silent()))
                .isInstanceOf(RebillException.class).hasMessageContaining("s3://no-such-bucket/cur/r/")
                .hasMessageContaining("the bucket does not exist");
        assertThat(ingestion.source("missing").status()).isEqualTo(SourceStatus.ERROR);
        assertThat(ingestion.source("missing").message()).contains("the bucket does not exist");
    }

    @Test
    void aManifestNamingAFileThatIsNotThereIsRefusedAndNothingIsStored() {
        put("cur/r/20240901-20241001/r-Manifest.json", curManifest("x", "cur/r/20240901-20241001/x/r-1.csv.gz"));

        assertThatThrownBy(() -> ingestion.sync("gap", export("cur", "r"), ProgressListener.silent()))
                .hasMessageContaining("cur/r/20240901-20241001/r-Manifest.json lists cur/r/20240901-20241001/x/r-1.csv.gz");
        assertThat(ingestion.source("gap").status()).isEqualTo(SourceStatus.ERROR);
        assertThat(ingestion.source("gap").periods()).isEmpty();
    }

    /**
     * An assumed role: Rebill asks STS (here a hand-written STS on loopback that answers AssumeRole as AWS documents
     * it) for the role with the external id, then reads the bucket with the temporary credentials it got.
     */
    @Test
    void anAssumedRoleIsRequestedWithItsExternalId() throws IOException {
        AtomicReference<String> request = new AtomicReference<>();
        HttpServer sts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sts.createContext("/", exchange -> {
            request.set(URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            byte[] body = ("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                    + "<Credentials><AccessKeyId>ASIATEMPORARY</AccessKeyId><SecretAccessKey>temporary-secret"
                    + "</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
                    + "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/billing-read/"
                    + "rebill-sync</Arn><AssumedRoleId>AROAEXAMPLE:rebill-sync</AssumedRoleId></AssumedRoleUser>"
                    + "</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
                    + "</AssumeRoleResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        sts.start();
        System.setProperty("aws.accessKeyId", "AKIASERVER");
        System.setProperty("aws.secretAccessKey", "server-secret");
        try {
            put("cur/lab/20191101-20191201/a/lab-1.csv.gz", TestData.shared("cur-csv-148-columns/before.csv.gz"));
            put("cur/lab/20191101-20191201/lab-Manifest.json", curManifest("a", "cur/lab/20191101-20191201/a/lab-1.csv.gz"));
            S3Export export = new S3Export(bucket, "cur", "lab", "us-east-1", Optional.of(server.endpoint()),
                    Optional.of(URI.create("http://127.0.0.1:" + sts.getAddress().getPort())),
                    new S3Credentials.AssumedRole("arn:aws:iam::123456789012:role/billing-read", "msp-7f3a"));

            SyncResult result = ingestion.sync("role", export, ProgressListener.silent());

            assertThat(request.get()).contains("Action=AssumeRole", "RoleArn=arn:aws:iam::123456789012:role/billing-read",
                    "ExternalId=msp-7f3a");
            assertThat(result.ingested()).containsExactly(BillingPeriod.parse("2019-11"));
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            sts.stop(0);
        }
    }
}
