package io.rebill.rules;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A figures-only rebuild of a run's folder (issue 12, closed periods after an upgrade) writes the files the run
 * itself wrote, row for row: its daily and tag aggregates and, when the folder has none, its re-billed lines. It never
 * replaces a file that is there, leaves no staging folder, and a refused rebuild installs nothing.
 */
class RebuildFiguresTest {
    static final BillingPeriod PERIOD = BillingPeriod.parse("2026-09");
    static final TagDimensions TAGS = new TagDimensions(20, List.of());

    @TempDir
    Path dir;

    private Billing billing;
    private MspConfig config;
    private List<Path> lineItems;
    private Path folder;

    @BeforeEach
    void billARunLikeTheApplication() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        GeneratedFiles generated = new BillingDataGenerator().generate(new GeneratorSpec(11, 20_000, 30, 5,
                List.of(YearMonth.of(2026, 9)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID, 20_000), dir.resolve("data"),
                EnumSet.of(Format.CUR_PARQUET), settings);
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", generated.paths(), ProgressListener.silent());
        Map<String, List<String>> accountsOf = new LinkedHashMap<>();
        for (DemoAccount a : generated.accounts()) {
            accountsOf.computeIfAbsent(a.customer(), c -> new ArrayList<>()).add(a.accountId());
        }
        config = FocusConformanceTest.config(accountsOf.entrySet().stream().map(e -> new Customer(e.getKey(),
                e.getKey(), e.getKey() + "@example.test", e.getValue(), Optional.empty())).toList());
        lineItems = ingestion.lineItemFiles("payer", PERIOD);
        billing = io.rebill.invoicing.InvoiceAssembly.billing(settings, PredicateCompiler.cel());
        folder = billing.runFolder(UUID.randomUUID(), PERIOD, UUID.randomUUID());
        Files.createDirectories(folder.getParent());
        // as the application's run: the drafts' bill first, then the figures and the kept lines in the run's folder
        billing.billDaily(config, PERIOD, lineItems, TAGS, Optional.of(folder), m -> { }, bill -> { }).close();
    }

    @Test
    void theRebuiltAggregatesAreTheRunsRowForRowAndItsKeptLinesStayAsTheyWere() throws Exception {
        String daily = content(folder.resolve(RunFiles.DAILY));
        String tags = content(folder.resolve(RunFiles.TAGS));
        long lines = Files.getLastModifiedTime(folder.resolve("lines")).toMillis();
        Files.delete(folder.resolve(RunFiles.DAILY));
        Files.delete(folder.resolve(RunFiles.TAGS));
        Map<String, String> billCharges = new TreeMap<>();
        Map<String, String> fileCharges = new TreeMap<>();

        RebuiltFigures rebuilt = billing.rebuildFigures(config, PERIOD, lineItems, TAGS, folder, m -> { },
                (bill, charges, staged) -> {
                    bill.customers().forEach(c -> billCharges.put(c.customerId(), plain(c.charge())));
                    charges.forEach((customer, charge) -> fileCharges.put(customer, plain(charge)));
                    assertThat(staged).isRegularFile();
                });

        assertThat(content(folder.resolve(RunFiles.DAILY))).isEqualTo(daily);
        assertThat(content(folder.resolve(RunFiles.TAGS))).isEqualTo(tags);
        assertThat(rebuilt.linesKept()).isFalse();
        assertThat(rebuilt.dailyRows()).isGreaterThan(100);
        assertThat(Files.getLastModifiedTime(folder.resolve("lines")).toMillis()).isEqualTo(lines);
        // what the check was shown: every customer's charge summed over the daily file is the bill's, exactly
        assertThat(billCharges).hasSize(5).isEqualTo(fileCharges);
        assertThat(names(folder)).containsExactly("charges.parquet", "customers.parquet", "daily.parquet",
                "lines", "tag_sets.parquet", "tags.parquet");
    }

    @Test
    void aRefusedRebuildInstallsNothingAndAFolderWithoutLinesGetsTheRunsLines() throws Exception {
        String daily = content(folder.resolve(RunFiles.DAILY));
        String lines = content(folder.resolve("lines").resolve("*.parquet"));
        String charges = content(folder.resolve("charges.parquet"));
        Trees.delete(folder);

        assertThatThrownBy(() -> billing.rebuildFigures(config, PERIOD, lineItems, TAGS, folder, m -> { },
                (bill, c, staged) -> {
                    throw new IllegalStateException("the totals differ");
                })).hasMessage("the totals differ");
        assertThat(names(folder)).isEmpty();

        RebuiltFigures rebuilt = billing.rebuildFigures(config, PERIOD, lineItems, TAGS, folder, m -> { },
                (bill, c, staged) -> { });
        assertThat(rebuilt.linesKept()).isTrue();
        assertThat(content(folder.resolve(RunFiles.DAILY))).isEqualTo(daily);
        assertThat(content(folder.resolve("lines").resolve("*.parquet"))).isEqualTo(lines);
        assertThat(content(folder.resolve("charges.parquet"))).isEqualTo(charges);
        assertThat(names(folder)).containsExactly("charges.parquet", "customers.parquet", "daily.parquet",
                "lines", "tag_sets.parquet", "tags.parquet");
    }

    /** A Parquet file's rows, in order, as one digest (with their count), read with plain DuckDB. */
    private static String content(Path parquet) throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             PreparedStatement ps = duck.prepareStatement("SELECT count(*) || ' ' || md5(string_agg(CAST(t AS"
                     + " VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) FROM read_parquet(?) t")) {
            ps.setString(1, parquet.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }
}
