package io.rebill.rules;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.rules.internal.BillingRun;
import io.rebill.rules.internal.FocusColumns;
import io.rebill.rules.internal.FocusConformance;
import io.rebill.rules.internal.RunLines;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static io.rebill.shared.duckdb.DuckSql.one;
import static io.rebill.rules.FocusConformanceTest.ACME;
import static io.rebill.rules.FocusConformanceTest.GLOBEX;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bill run keeps its re-billed lines as one file clustered by customer, and any one customer's FOCUS 1.2 file is
 * read from it on request (issue 12 items 3 and 7): the file's row groups each hold a range of customers that no
 * other row group overlaps (so a customer's lines are read by min/max pruning); a customer's file is conformant
 * FOCUS 1.2, holds exactly its rows of the MSP's export without the MSP's cost columns, its invoice number and its
 * correction lines; a failed write leaves no folder and the previous run's files as they were.
 */
class RunLinesTest {
    static final BillingPeriod AUG = BillingPeriod.parse("2024-08");

    @TempDir
    Path dir;

    @Test
    void theRunKeepsItsLinesInOneFileOrderedByCustomerInRowGroupsThatNoOtherCustomerRangeOverlaps() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        BillingPeriod period = BillingPeriod.parse("2026-09");
        GeneratedFiles generated = september(settings, 7, 30_000, 40, 6);
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", generated.paths(), ProgressListener.silent());
        MspConfig config = configOf(generated);
        Path folder = dir.resolve("runs").resolve("run-1");
        Files.createDirectories(folder.getParent());
        BillResult result;
        try (Connection duck = DuckDb.openScratch(settings, "billing")) {
            BillingRun run = new BillingRun(duck, config, period, ingestion.lineItemFiles("payer", period),
                    CustomerLineFilesTest.NO_CEL, new io.rebill.invoicing.InvoiceAssembly(), m -> { }).withDailyDimensions();
            result = run.run();
            RunLines.write(duck, run, config, period, result, folder, 2_048);
            // the same run with the tags on the lines, as when two tag sets' keys collide (and as before session 11)
            RunLines.write(duck, run, config, period, result, dir.resolve("inline").resolve("run-1"), 2_048, false);
        }
        try (Stream<Path> files = Files.list(folder); Stream<Path> siblings = Files.list(folder.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("charges.parquet", "customers.parquet", "lines", "tag_sets.parquet");
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("run-1");
        }
        String lines = "read_parquet('" + folder.resolve("lines") + "/*.parquet')";
        try (Connection duck = DuckDb.open(settings)) {
            long billed = result.customers().stream().mapToLong(CustomerBill::lineCount).sum();
            // the payer's own lines are nobody's (unassigned), the rest is billed
            assertThat(billed).isGreaterThan(25_000).isEqualTo(30_000 - result.unassigned().stream()
                    .mapToLong(BillResult.Unassigned::lineCount).sum());
            assertThat(one(duck, "SELECT count(*) FROM " + lines)).isEqualTo(String.valueOf(billed));
            // never the MSP's cost, amortised cost or lineage
            assertThat(one(duck, "SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM " + lines + ")"))
                    .doesNotContain("effective_cost").doesNotContain("billed_cost").doesNotContain("lineage")
                    .doesNotContain(",cost,").contains("customer_id").contains("charge");
            // one file per writer thread, each ordered by customer
            List<String[]> groups = new ArrayList<>();
            java.util.Set<String> files = new java.util.TreeSet<>();
            try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT file_name, stats_min_value,"
                    + " stats_max_value, row_group_num_rows FROM parquet_metadata('" + folder.resolve("lines")
                    + "/*.parquet') WHERE path_in_schema = 'customer_id' ORDER BY file_name, row_group_id")) {
                while (rs.next()) {
                    files.add(rs.getString(1));
                    groups.add(new String[]{rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(1)});
                }
            }
            assertThat(files).isNotEmpty().hasSizeLessThanOrEqualTo(settings.threads());
            assertThat(groups).hasSizeGreaterThanOrEqualTo(12);
            for (int i = 1; i < groups.size(); i++) {
                if (groups.get(i)[3].equals(groups.get(i - 1)[3])) {
                    // sorted: in a file, each row group starts where the one before ends or later
                    assertThat(groups.get(i)[0]).as("row group " + i).isGreaterThanOrEqualTo(groups.get(i - 1)[1]);
                }
            }
            // so each customer's lines lie in the few row groups whose range holds it (in each file), not in all
            for (CustomerBill c : result.customers()) {
                long holding = groups.stream().filter(g -> g[0].compareTo(c.customerId()) <= 0
                        && g[1].compareTo(c.customerId()) >= 0).count();
                assertThat(holding).as(c.customerId()).isLessThanOrEqualTo(c.lineCount() / 2_048 + 2L * files.size())
                        .isLessThan(groups.size() / 2);
            }
        }
    }

    @Test
    void theLinesKeepTheirTagSetsKeyAndEveryCustomersFocusFileHasTheTagsTheLinesHad() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        BillingPeriod period = BillingPeriod.parse("2026-09");
        GeneratedFiles generated = september(settings, 11, 8_000, 12, 3);
        Ingestion ingestion = new Ingestion(settings);
        // two sources (the export, and every third line of it): the lines of two files, whose ids name their source
        ingestion.ingest("payer", generated.paths(), ProgressListener.silent());
        Path third = dir.resolve("third.parquet");
        try (Connection duck = DuckDb.open(settings); Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT * EXCLUDE (n) FROM (SELECT *, row_number() OVER () AS n FROM read_parquet('"
                    + generated.paths().getFirst() + "')) WHERE n % 3 = 0) TO '" + third + "' (FORMAT parquet)");
        }
        ingestion.ingest("payer-b", List.of(third), ProgressListener.silent());
        List<Path> lineItems = new ArrayList<>(ingestion.lineItemFiles("payer", period));
        lineItems.addAll(ingestion.lineItemFiles("payer-b", period));
        MspConfig config = configOf(generated);
        Path keyed = dir.resolve("keyed");
        Path inline = dir.resolve("inline");
        Path export = dir.resolve("export");
        BillResult result;
        try (Connection duck = DuckDb.openScratch(settings, "billing")) {
            BillingRun run = new BillingRun(duck, config, period, lineItems,
                    CustomerLineFilesTest.NO_CEL, new io.rebill.invoicing.InvoiceAssembly(), m -> { }).withDailyDimensions();
            result = run.run();
            RunLines.write(duck, run, config, period, result, keyed, 1_024);
            RunLines.write(duck, run, config, period, result, inline, 1_024, false);
        }
        assertThat(keyed.resolve("tag_sets.parquet")).exists();
        assertThat(inline.resolve("tag_sets.parquet")).doesNotExist();
        Billing billing = io.rebill.invoicing.InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL);
        // as the application runs it: a tag aggregate first, whose sums by tag list give the dictionary its sets
        Path application = dir.resolve("application");
        billing.billDaily(config, period, lineItems, new TagDimensions(20, List.of()), Optional.of(application),
                m -> { }).close();
        // the MSP's export of the same bill: its line ids are made before any sort
        billing.bill(config, period, lineItems, Optional.of(export), Map.of(), m -> { });
        try (Connection duck = DuckDb.open(settings)) {
            // the lines hold a key, not the tags; the dictionary holds each tag set once
            String columns = "SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM read_parquet('%s/lines/*.parquet'))";
            assertThat(one(duck, columns.formatted(keyed))).contains("tags_key").doesNotContain("tags,").doesNotEndWith("tags");
            assertThat(one(duck, columns.formatted(inline))).contains("tags").doesNotContain("tags_key");
            String dictionary = "read_parquet('" + keyed.resolve("tag_sets.parquet") + "')";
            // (lines without tags: one NULL entry)
            assertThat(one(duck, "SELECT count(*) = count(DISTINCT tags_key) AND count(DISTINCT tags) = count(tags)"
                    + " AND count(*) - count(tags) <= 1 AND count(*) > 20 FROM " + dictionary)).isEqualTo("true");
            String fromAggregate = "read_parquet('" + application.resolve("tag_sets.parquet") + "')";
            assertThat(one(duck, "SELECT (SELECT count(*) FROM (FROM " + dictionary + " EXCEPT ALL FROM " + fromAggregate
                    + ")) || ' ' || (SELECT count(*) FROM (FROM " + fromAggregate + " EXCEPT ALL FROM " + dictionary + "))"))
                    .isEqualTo("0 0");
            assertThat(result.customers()).hasSize(3);
            for (CustomerBill c : result.customers()) {
                Path fromKeys = billing.customerFocus(keyed, new CustomerFocus(c.customerId(), Optional.empty(), List.of(),
                        CustomerFocus.Format.PARQUET));
                String a = "read_parquet('" + fromKeys + "')";
                String b = "read_parquet('" + billing.customerFocus(inline, new CustomerFocus(c.customerId(), Optional.empty(),
                        List.of(), CustomerFocus.Format.PARQUET)) + "')";
                // every line, its Tags and ResourceName (its Name tag) included, as the lines with their own tags give it
                assertThat(one(duck, "SELECT (SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b
                        + ")) || ' ' || (SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a + "))"))
                        .as(c.customerId()).isEqualTo("0 0");
                String app = "read_parquet('" + billing.customerFocus(application, new CustomerFocus(c.customerId(),
                        Optional.empty(), List.of(), CustomerFocus.Format.PARQUET)) + "')";
                assertThat(one(duck, "SELECT (SELECT count(*) FROM (SELECT * FROM " + app + " EXCEPT ALL SELECT * FROM " + b
                        + ")) || ' ' || (SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + app + "))"))
                        .as(c.customerId()).isEqualTo("0 0");
                // FOCUS 1.2 on a generated month: Savings Plan negations, reservations, tax and credits included
                assertThat(FocusConformance.check(duck, fromKeys)).as(c.customerId()).isEmpty();
                assertThat(Long.parseLong(one(duck, "SELECT count(Tags) FROM " + a + " WHERE Tags <> '{}'")))
                        .as(c.customerId()).isGreaterThan(c.lineCount() / 2);
                // the kept lines' ids, made after their sort, are the export's, line for line, from both sources
                String ids = "SELECT x_LineId FROM read_parquet('%s') WHERE x_LineId LIKE 'payer%%'";
                String exported = ids.formatted(export.resolve("line_items").resolve(c.customerId() + ".parquet"));
                assertThat(one(duck, "SELECT (SELECT count(*) FROM (" + ids.formatted(fromKeys) + " EXCEPT ALL " + exported
                        + ")) || ' ' || (SELECT count(*) FROM (" + exported + " EXCEPT ALL " + ids.formatted(fromKeys) + "))"
                        + " || ' ' || (SELECT count(DISTINCT split_part(x_LineId, '/', 1)) FROM (" + exported + "))"))
                        .as(c.customerId()).isEqualTo("0 0 2");
                assertThat(Long.parseLong(one(duck, "SELECT count(*) FROM (" + exported + ")"))).isEqualTo(c.lineCount());
            }
        }
    }

    @Test
    void aCustomersFocusFileIsFocus12WithItsOwnRowsOfTheMspsExportItsInvoiceNumberAndItsCorrections() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(FocusConformanceTest.everyKind(), dir.resolve("cur.csv"))),
                ProgressListener.silent());
        MspConfig config = FocusConformanceTest.config(List.of(
                new Customer("acme", "Acme Corp", "it@acme.test", List.of(ACME), Optional.empty()),
                new Customer("globex", "Globex", "it@globex.test", List.of(GLOBEX), Optional.empty())));
        Billing billing = io.rebill.invoicing.InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL);
        List<Path> files = ingestion.lineItemFiles("payer", GoldenBills.SEPT);
        UUID msp = UUID.randomUUID();
        Path run = billing.runFolder(msp, GoldenBills.SEPT, UUID.randomUUID());
        billing.billDaily(config, GoldenBills.SEPT, files, TagDimensions.none(), Optional.of(run), m -> { }).close();
        // the MSP's own export of the same bill (rebill bill --out), to compare with
        Path out = dir.resolve("out");
        billing.bill(config, GoldenBills.SEPT, files, Optional.of(out), Map.of("acme", "INV-2024-0042"), m -> { });

        CustomerFocus.Correction correction = new CustomerFocus.Correction(
                "Correction to INV-2024-0007 (August 2024): Amazon Elastic Compute Cloud", "Amazon Elastic Compute Cloud",
                d("-1.25"), AUG, "INV-2024-0007");
        Path acme = billing.customerFocus(run, new CustomerFocus("acme", Optional.of("INV-2024-0042"), List.of(correction),
                CustomerFocus.Format.PARQUET));
        Path globex = billing.customerFocus(run, new CustomerFocus("globex", Optional.empty(), List.of(),
                CustomerFocus.Format.PARQUET));
        try (Connection duck = DuckDb.open(settings)) {
            assertThat(FocusConformance.check(duck, acme)).isEmpty();
            assertThat(FocusConformance.check(duck, globex)).isEmpty();
            List<String> expected = new ArrayList<>(FocusColumns.ALL.stream().map(FocusColumns.Column::name).toList());
            expected.addAll(List.of("x_LineId", "x_ChargeType", "x_ServiceCode", "x_UsageType"));
            assertThat(columns(duck, acme)).containsExactlyElementsOf(expected);
            String a = "read_parquet('" + acme + "')";
            String msps = "(SELECT * EXCLUDE (x_OriginalCost, x_Lineage, CommitmentDiscountQuantity) FROM read_parquet('"
                    + out.resolve("line_items/acme.parquet") + "'))";
            String customers = "(SELECT * EXCLUDE (CommitmentDiscountQuantity) FROM " + a
                    + " WHERE ChargeClass IS DISTINCT FROM 'Correction')";
            // the same rows as the MSP's export of Acme, in the same order, but for the MSP-only columns
            assertThat(one(duck, "SELECT count(*) FROM " + customers)).isEqualTo(one(duck, "SELECT count(*) FROM " + msps))
                    .isEqualTo("12");
            assertThat(one(duck, "SELECT count(*) FROM (" + customers + " EXCEPT ALL " + msps + ")")).isEqualTo("0");
            // the price id of the one line whose CUR had it; a run kept before lines had price ids still gives the
            // customer's file, with none
            assertThat(one(duck, "SELECT string_agg(SkuPriceId) FROM " + a)).isEqualTo(FocusConformanceTest.RATE);
            // a run kept by an earlier version: one lines.parquet, without price ids
            Path kept = run.resolve("lines");
            Path older = run.resolve("lines.parquet");
            Path dictionary = run.resolve("tag_sets.parquet");
            try (java.sql.Statement s = duck.createStatement()) {
                s.execute("COPY (SELECT * EXCLUDE (sku_price_id, tags_key) FROM read_parquet('" + kept + "/*.parquet')"
                        + " JOIN read_parquet('" + dictionary + "') USING (tags_key)) TO '" + older + "' (FORMAT parquet)");
            }
            io.rebill.shared.io.Trees.delete(kept);
            Files.delete(dictionary);
            Path again = billing.customerFocus(run, new CustomerFocus("acme", Optional.of("INV-2024-0042"), List.of(),
                    CustomerFocus.Format.PARQUET));
            assertThat(one(duck, "SELECT count(*), count(SkuPriceId) FROM read_parquet('" + again + "')")).isEqualTo("12");
            assertThat(one(duck, "SELECT count(SkuPriceId) FROM read_parquet('" + again + "')")).isEqualTo("0");
            assertThat(FocusConformance.check(duck, again)).isEmpty();
            assertThat(one(duck, "SELECT count(*) FROM (" + msps + " EXCEPT ALL " + customers + ")")).isEqualTo("0");
            // a Savings Plan's quantity is the customer's charge (2.5 x 1.03), never the MSP's amortised cost (2.5)
            assertThat(one(duck, "SELECT CommitmentDiscountQuantity || ' ' || BilledCost FROM " + a
                    + " WHERE x_ChargeType = 'SavingsPlanCoveredUsage'"))
                    .isEqualTo("2.575000000000000000000000 2.575000000000000000000000");
            assertThat(one(duck, "SELECT count(*) FROM " + a + " WHERE InvoiceId = 'INV-2024-0042'")).isEqualTo("13");
            // the correction: ChargeClass Correction, charged in August (the closed period), billed in September
            assertThat(one(duck, "SELECT concat_ws(' | ', ChargeCategory, ChargeClass, ChargeFrequency, ChargePeriodStart,"
                    + " ChargePeriodEnd, BillingPeriodStart, BilledCost, ServiceName, ChargeDescription, x_LineId,"
                    + " coalesce(PricingQuantity, 0)) FROM " + a + " WHERE ChargeClass = 'Correction'"))
                    .isEqualTo("Adjustment | Correction | One-Time | 2024-08-01 00:00:00 | 2024-09-01 00:00:00 |"
                            + " 2024-09-01 00:00:00 | -1.250000000000000000000000 | Amazon Elastic Compute Cloud |"
                            + " Correction to INV-2024-0007 (August 2024): Amazon Elastic Compute Cloud |"
                            + " correction/INV-2024-0007/Amazon Elastic Compute Cloud | 0.000000000000000000000000");
            // Globex's file: Globex's rows only, no invoice number while it is a draft
            String g = "read_parquet('" + globex + "')";
            assertThat(one(duck, "SELECT CAST(list_sort(list(DISTINCT BillingAccountId || '/' || coalesce(SubAccountId, '-'))) AS VARCHAR)"
                    + " || ' ' || count(*) || ' ' || count(InvoiceId) FROM " + g)).isEqualTo("[globex/-, globex/" + GLOBEX + "] 3 0");
            assertThat(one(duck, "SELECT count(*) FROM " + a + " WHERE SubAccountId = '" + GLOBEX + "'")).isEqualTo("0");
        }
        Files.delete(acme);
        Path csv = billing.customerFocus(run, new CustomerFocus("acme", Optional.empty(), List.of(), CustomerFocus.Format.CSV));
        List<String> text = Files.readAllLines(csv);
        assertThat(text.getFirst()).startsWith("AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,")
                .endsWith(",Tags,x_LineId,x_ChargeType,x_ServiceCode,x_UsageType");
        assertThat(text).hasSize(13);
        assertThat(text.subList(1, text.size())).allSatisfy(l -> assertThat(l).contains(",2024-09-01T00:00:00Z,"));
        assertThatThrownBy(() -> billing.customerFocus(run, new CustomerFocus("initech", Optional.empty(), List.of(),
                CustomerFocus.Format.CSV))).isInstanceOf(RebillException.class).hasMessageContaining("no re-billed costs");
    }

    @Test
    void aFailedWriteLeavesNoFolderOfItsOwnAndThePreviousRunsLinesAsTheyWere() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(FocusConformanceTest.everyKind(), dir.resolve("cur.csv"))),
                ProgressListener.silent());
        MspConfig config = FocusConformanceTest.config(List.of(
                new Customer("acme", "Acme Corp", "it@acme.test", List.of(ACME), Optional.empty())));
        Billing billing = io.rebill.invoicing.InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL);
        List<Path> files = ingestion.lineItemFiles("payer", GoldenBills.SEPT);
        UUID msp = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        Path previous = billing.runFolder(msp, GoldenBills.SEPT, first);
        billing.billDaily(config, GoldenBills.SEPT, files, TagDimensions.none(), Optional.of(previous), m -> { }).close();
        Map<String, byte[]> before = contents(previous);
        // the next run cannot move its folder into place (something already has its name)
        Path failed = billing.runFolder(msp, GoldenBills.SEPT, UUID.randomUUID());
        Files.writeString(failed, "in the way");
        assertThatThrownBy(() -> billing.billDaily(config, GoldenBills.SEPT, files, TagDimensions.none(), Optional.of(failed), m -> { }))
                .isInstanceOf(RebillException.class).hasMessageContaining("cannot keep the re-billed lines of 2024-09");
        assertThat(contents(previous)).containsOnlyKeys(before.keySet())
                .allSatisfy((name, bytes) -> assertThat(bytes).as(name).isEqualTo(before.get(name)));
        try (Stream<Path> s = Files.list(previous.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(first.toString(),
                    failed.getFileName().toString());
        }
        Path read = billing.customerFocus(previous, new CustomerFocus("acme", Optional.empty(), List.of(),
                CustomerFocus.Format.CSV));
        assertThat(Files.readAllLines(read)).hasSize(13);
        // once the run succeeds as the period's latest, the others go
        billing.keepOnlyRun(msp, GoldenBills.SEPT, first);
        try (Stream<Path> s = Files.list(previous.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(first.toString());
        }
    }

    /** A generated September 2026 of {@code lines} CUR lines (seed, accounts, customers as given), as Parquet. */
    private GeneratedFiles september(RebillSettings settings, long seed, long lines, int accounts, int customers) {
        return new BillingDataGenerator().generate(new GeneratorSpec(seed, lines, accounts, customers,
                List.of(YearMonth.of(2026, 9)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID, lines), dir.resolve("data"),
                EnumSet.of(Format.CUR_PARQUET), settings);
    }

    /** The conformance tests' configuration with one customer per generated customer and its accounts. */
    private static MspConfig configOf(GeneratedFiles generated) {
        Map<String, List<String>> accountsOf = new LinkedHashMap<>();
        for (DemoAccount a : generated.accounts()) {
            accountsOf.computeIfAbsent(a.customer(), c -> new ArrayList<>()).add(a.accountId());
        }
        return FocusConformanceTest.config(accountsOf.entrySet().stream().map(e -> new Customer(e.getKey(), e.getKey(),
                e.getKey() + "@example.test", e.getValue(), Optional.empty())).toList());
    }

    /** Every file under {@code folder} (the lines folder's files too) by its relative path, with its bytes. */
    private static Map<String, byte[]> contents(Path folder) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                m.put(folder.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static List<String> columns(Connection duck, Path file) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('"
                + file + "')")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

}
