package io.rebill.ingestion;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An Azure Cost Management export read from Azure Blob Storage with the Azure SDK, against Azurite (Microsoft's
 * storage emulator, installed from npm by .ci/azurite.sh) started here as a child process on loopback.
 */
class AzureBlobContainerTest {
    static final String ACCOUNT = AzuriteServer.ACCOUNT;
    static final String KEY = AzuriteServer.KEY;
    static final BillingPeriod SEPT = BillingPeriod.parse("2024-09");

    static AzuriteServer azurite;
    static URI endpoint;

    @TempDir
    Path dir;
    Ingestion ingestion;
    BlobContainerClient container;
    String containerName;

    @BeforeAll
    static void startAzurite(@TempDir Path data) {
        azurite = AzuriteServer.start(data);
        endpoint = azurite.endpoint();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void setUp() {
        ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
        containerName = "exports-" + UUID.randomUUID().toString().substring(0, 8);
        container = azurite.newContainer(containerName);
    }

    private void upload(String name, List<LineItemFixture> lines) throws IOException {
        Path file = ProviderWriters.azureCostDetails(lines, dir.resolve("upload").resolve(UUID.randomUUID() + ".csv"));
        container.getBlobClient(name).upload(BinaryData.fromFile(file), true);
    }

    private AzureBlobContainer location(AzureBlobContainer.Credential credential) {
        return new AzureBlobContainer(endpoint, containerName, "costs/monthly-actual", credential);
    }

    @Test
    void onlyTheLatestRunOfAnExportPeriodIsRead() throws Exception {
        String range = "costs/monthly-actual/20240901-20240930/";
        upload(range + "run-1/part_0_0001.csv", List.of(aLineItem().cost("1.5")));
        container.getBlobClient(range + "run-1/manifest.json").upload(BinaryData.fromString("{\"blobCount\": 1}"), true);
        Thread.sleep(1100); // a later Last-Modified second for the restating run
        upload(range + "run-2/part_0_0001.csv", List.of(aLineItem().cost("1.5"), aLineItem().cost("0.0000000001")));
        upload(range + "run-2/part_0_0002.csv", List.of(aLineItem().cost("2E-10")));
        upload("costs/other-export/20240901-20240930/run-9/part_0_0001.csv", List.of(aLineItem().cost("99")));

        IngestResult result = ingestion.ingest("azure-1", location(new AzureBlobContainer.SharedKey(ACCOUNT, KEY)),
                ProgressListener.silent());

        assertThat(result.reconciliation().holds()).isTrue();
        StoredPeriod sept = ingestion.source("azure-1").period(SEPT).orElseThrow();
        assertThat(plain(sept.sums().billed())).isEqualTo("1.5000000003");
        assertThat(sept.sums().lineCount()).isEqualTo(3);
        assertThat(sept.inputs()).extracting(InputFile::path).allMatch(p -> p.contains("run-2"));

        // nothing changed in the container: nothing is downloaded or stored again
        IngestResult again = ingestion.ingest("azure-1", location(new AzureBlobContainer.SharedKey(ACCOUNT, KEY)),
                ProgressListener.silent());
        assertThat(again.unchanged()).isTrue();
    }

    @Test
    void aWrongKeyIsRefusedSayingWhatToCheckAndNothingStoredChanges() throws Exception {
        upload("costs/monthly-actual/20240901-20240930/run-1/part_0_0001.csv", List.of(aLineItem().cost("4")));
        ingestion.ingest("azure-1", location(new AzureBlobContainer.SharedKey(ACCOUNT, KEY)), ProgressListener.silent());
        String wrong = java.util.Base64.getEncoder().encodeToString("not the account key".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ingestion.ingest("azure-1", location(new AzureBlobContainer.SharedKey(ACCOUNT, wrong)),
                ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .satisfies(e -> assertThat(((RebillException) e).code()).isEqualTo(ErrorCode.FILE_UNREADABLE))
                .hasMessageContaining("azure-blob://127.0.0.1:").hasMessageContaining("/" + containerName + "/costs/monthly-actual")
                .hasMessageContaining("403").hasMessageNotContaining(wrong);
        assertThat(plain(ingestion.source("azure-1").period(SEPT).orElseThrow().sums().billed())).isEqualTo("4");
    }

    @Test
    void anAmortizedExportIsReadAsAmortizedWhateverItsFolderIsCalled() throws Exception {
        // an unused reservation: billed through its purchase in the amortized dataset (billed 0, effective 2.5)
        upload("costs/daily/20240901-20240930/run-1/part_0_0001.csv", List.of(aLineItem().type("UnusedReservation")
                .cost("2.5")));
        AzureBlobContainer.Credential key = new AzureBlobContainer.SharedKey(ACCOUNT, KEY);

        ingestion.ingest("actual", new AzureBlobContainer(endpoint, containerName, "costs/daily", key,
                AzureBlobContainer.ExportKind.ACTUAL), ProgressListener.silent());
        ingestion.ingest("amortized", new AzureBlobContainer(endpoint, containerName, "costs/daily", key,
                AzureBlobContainer.ExportKind.AMORTIZED), ProgressListener.silent());

        StoredPeriod actual = ingestion.source("actual").period(SEPT).orElseThrow();
        StoredPeriod amortized = ingestion.source("amortized").period(SEPT).orElseThrow();
        assertThat(plain(actual.sums().billed())).isEqualTo("2.5");
        assertThat(plain(amortized.sums().billed())).isEqualTo("0");
        assertThat(plain(amortized.sums().effective())).isEqualTo("2.5");
    }

    @Test
    void aConnectionStringNamesTheEndpointAndKeyAndAnIncompleteOneIsRefusedWithoutEchoingIt() {
        AzureBlobContainer fromString = AzureBlobContainer.ofConnectionString(azurite.connectionString(), containerName,
                "costs", AzureBlobContainer.ExportKind.FOCUS);
        assertThat(fromString.endpoint()).isEqualTo(endpoint);
        assertThat(fromString.credential()).isEqualTo(new AzureBlobContainer.SharedKey(ACCOUNT, KEY));
        assertThat(AzureBlobContainer.ofConnectionString("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
                + KEY + ";EndpointSuffix=core.windows.net", "exports", "", AzureBlobContainer.ExportKind.ACTUAL)
                .endpoint()).hasToString("https://acme.blob.core.windows.net");
        assertThatThrownBy(() -> AzureBlobContainer.ofConnectionString("AccountName=acme;EndpointSuffix=core.windows.net",
                "exports", "", AzureBlobContainer.ExportKind.ACTUAL))
                .hasMessageContaining("neither AccountKey nor SharedAccessSignature");
        assertThatThrownBy(() -> AzureBlobContainer.ofConnectionString("AccountKey=" + KEY, "exports", "",
                AzureBlobContainer.ExportKind.ACTUAL)).hasMessageContaining("names neither AccountName nor BlobEndpoint")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void theLocationNamesNoSecret() {
        AzureBlobContainer location = location(new AzureBlobContainer.SharedKey(ACCOUNT, KEY));
        assertThat(location.describe()).isEqualTo("azure-blob://" + endpoint.getAuthority() + "/" + ACCOUNT + "/"
                + containerName + "/costs/monthly-actual");
        assertThat(location.toString()).doesNotContain(KEY);
        assertThatThrownBy(() -> new AzureBlobContainer(URI.create("http://storage.example.com"), containerName, "", location.credential()))
                .hasMessageContaining("use https");
    }
}
