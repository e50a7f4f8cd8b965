package io.rebill.ingestion;

import io.rebill.TestData;
import io.rebill.linking.internal.SeenAccounts;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 8: the provider's names of accounts are kept on the canonical line where the export has them (FOCUS
 * SubAccountName and BillingAccountName, Azure SubscriptionName and BillingAccountName, Google Cloud project.name),
 * read by the linked-account picker, and files stored before the names were kept still read (their names NULL).
 * Expected names are read from the sample files' own text, not from the mapping.
 */
class AccountNamesTest {
    static final BillingPeriod SEPT_2024 = BillingPeriod.parse("2024-09");

    @TempDir
    Path dir;
    Ingestion ingestion;

    @BeforeEach
    void setUp() {
        ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
    }

    /** sub_account_id -> sub_account_name of the stored lines of a period. */
    private Map<String, String> storedNames(String source, BillingPeriod period) {
        return Stored.rows(ingestion, source, period, "sub_account_id").stream()
                .filter(r -> r.get("sub_account_id") != null)
                .collect(Collectors.toMap(r -> (String) r.get("sub_account_id"), r -> String.valueOf(r.get("sub_account_name")),
                        (a, b) -> a, TreeMap::new));
    }

    /** The same pairs as the file's own columns give them, read by DuckDB's CSV reader with no mapping. */
    private Map<String, String> fileNames(Path csv, String idColumn, String nameColumn, String where) throws Exception {
        Map<String, String> names = new TreeMap<>();
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT lower(CAST(\"" + idColumn + "\" AS VARCHAR)), \"" + nameColumn
                     + "\" FROM read_csv('" + csv + "', all_varchar = true) WHERE " + where)) {
            while (rs.next()) {
                names.put(rs.getString(1), rs.getString(2));
            }
        }
        return names;
    }

    @Test
    void theFocusSamplesSubAccountNamesAreKeptAndThePickerShowsThem() throws Exception {
        Path sample = TestData.shared("focus-1.0-sample/focus_sample.csv");
        ingestion.ingest("focus", List.of(sample), ProgressListener.silent());

        Map<String, String> stored = storedNames("focus", SEPT_2024);
        Map<String, String> expected = fileNames(sample, "SubAccountId", "SubAccountName",
                "starts_with(BillingPeriodStart, '2024-09')");
        assertThat(stored).isEqualTo(expected);
        assertThat(stored).containsEntry("51738928782", "Atlas Nimbus").hasSizeGreaterThan(10);
        // the sample names its billing account "SunBird" on 993 of September's 999 lines and leaves 6 empty
        Map<Object, Long> billingNames = Stored.rows(ingestion, "focus", SEPT_2024, "sub_account_id").stream()
                .collect(Collectors.groupingBy(r -> String.valueOf(r.get("billing_account_name")), Collectors.counting()));
        assertThat(billingNames).containsOnly(Map.entry("SunBird", 993L), Map.entry("null", 6L));

        StoredPeriod sept = ingestion.source("focus").period(SEPT_2024).orElseThrow();
        List<SeenAccounts.Seen> seen = new SeenAccounts(ingestion.settings()).of("focus", SEPT_2024, sept.generation(),
                ingestion.lineItemFiles("focus", SEPT_2024));
        assertThat(seen).extracting(SeenAccounts.Seen::subAccountId, SeenAccounts.Seen::name)
                .contains(org.assertj.core.groups.Tuple.tuple("51738928782", "Atlas Nimbus"));
        assertThat(seen).allSatisfy(a -> assertThat(a.name()).isEqualTo(expected.get(a.subAccountId())));
    }

    @Test
    void azureSubscriptionNamesAndTheBillingAccountsNameAreKept() throws Exception {
        Path sample = TestData.shared("azure-samples/ea-cost-details-anonymized.csv");
        ingestion.ingest("ea", List.of(sample), ProgressListener.silent());
        BillingPeriod sept2023 = BillingPeriod.parse("2023-09");

        assertThat(storedNames("ea", sept2023)).isEqualTo(fileNames(sample, "SubscriptionId", "SubscriptionName", "true"))
                .hasSize(18);
        assertThat(Stored.rows(ingestion, "ea", sept2023, "sub_account_id")).extracting(r -> r.get("billing_account_name"))
                .containsOnly("Example LTD.");
    }

    @Test
    void aCur2AccountsNamesAreKept() throws Exception {
        // CUR 2.0 names each line's usage account and the payer (line_item_usage_account_name,
        // bill_payer_account_name); written here as the Athena-integration Parquet (every column text) plus the two
        Path athena = TestFiles.curAthenaParquet(List.of(aLineItem().account("111111111111").cost("1.5"),
                aLineItem().account("222222222222").cost("2")), dir.resolve("athena.parquet"), ingestion.settings());
        Path cur2 = dir.resolve("in/cur2.parquet");
        Files.createDirectories(cur2.getParent());
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT *, CASE line_item_usage_account_id WHEN '111111111111' THEN 'Production'"
                    + " ELSE '' END AS line_item_usage_account_name, 'Example Payer' AS bill_payer_account_name"
                    + " FROM read_parquet('" + athena + "')) TO '" + cur2 + "' (FORMAT parquet)");
        }
        ingestion.ingest("cur2", List.of(cur2), ProgressListener.silent());

        // an empty name in a text column is no name, as AWS writes '' for no value
        assertThat(storedNames("cur2", SEPT_2024)).containsExactly(Map.entry("111111111111", "Production"),
                Map.entry("222222222222", "null"));
        assertThat(Stored.rows(ingestion, "cur2", SEPT_2024, "sub_account_id")).extracting(r -> r.get("billing_account_name"))
                .containsOnly("Example Payer");
    }

    @Test
    void aGoogleCloudProjectsNameIsKept() {
        Path file = ProviderWriters.gcpCsv(List.of(aLineItem().account("my-project-1").cost("10"),
                aLineItem().account("my-project-2").cost("5")), dir.resolve("in/export.csv"));
        ingestion.ingest("gcp", List.of(file), ProgressListener.silent());

        // ProviderWriters writes project.name as "Project " + the project's id
        assertThat(storedNames("gcp", SEPT_2024)).containsExactly(Map.entry("my-project-1", "Project my-project-1"),
                Map.entry("my-project-2", "Project my-project-2"));
    }

    @Test
    void aFileStoredBeforeNamesWereKeptReadsWithNoNamesBesideANewOne() throws Exception {
        ingestion.ingest("focus", List.of(TestData.shared("focus-1.0-sample/focus_sample.csv")), ProgressListener.silent());
        List<Path> files = ingestion.lineItemFiles("focus", SEPT_2024);
        Path old = dir.resolve("old.parquet");
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement()) {
            // a stored file as written before this change: the same columns without the two names
            s.execute("COPY (SELECT * EXCLUDE (sub_account_name, billing_account_name) FROM read_parquet("
                    + DuckDb.fileList(files) + ")) TO '" + old + "' (FORMAT parquet)");
        }
        assertThat(Files.size(old)).isPositive();

        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement();
             ResultSet oldOnly = s.executeQuery("SELECT count(*), count(sub_account_name) FROM "
                     + StoredLines.read(c, List.of(old), "").sql())) {
            oldOnly.next();
            assertThat(oldOnly.getLong(1)).isPositive();
            assertThat(oldOnly.getLong(2)).isZero();
        }
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement();
             ResultSet both = s.executeQuery("SELECT count(*), count(sub_account_name) FROM "
                     + StoredLines.read(c, java.util.stream.Stream.concat(files.stream(), java.util.stream.Stream.of(old))
                     .toList(), "").sql())) {
            both.next();
            // every line twice; the names only on the new file's lines (the sample names every sub account)
            assertThat(both.getLong(2) * 2).isEqualTo(both.getLong(1));
        }
    }
}
