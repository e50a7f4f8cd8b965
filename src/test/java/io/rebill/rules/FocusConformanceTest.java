package io.rebill.rules;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.internal.FocusColumns;
import io.rebill.rules.internal.FocusConformance;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every per-customer file a bill writes is FOCUS 1.2 (issue 12 item 8): each column FOCUS makes mandatory and each
 * conditional one Rebill fills is there, with FOCUS's type, nullability and allowed values and its conditional rules
 * ({@link FocusColumns}, checked by {@link FocusConformance}), for invented lines of every charge kind and for the
 * public CUR, FOCUS and Azure sample files.
 */
class FocusConformanceTest {
    static final String ACME = "111111111111";
    static final String GLOBEX = "222222222222";
    static final String RI = "arn:aws:ec2:us-east-1:" + ACME + ":reserved-instances/ri-0001";
    static final String SP = "arn:aws:savingsplans::" + ACME + ":savingsplan/sp-0001";
    static final String RATE = "SKU123.JRTCKXETXF.6YS6EN2CT7";

    @TempDir
    Path dir;

    static MspConfig config(List<Customer> customers) {
        Rule.InvoiceLabel fee = new Rule.InvoiceLabel("Managed services", Optional.empty(), Optional.empty());
        Rule.InvoiceLabel welcome = new Rule.InvoiceLabel("Welcome credit", Optional.empty(), Optional.empty());
        List<Rule> rules = List.of(
                new Rule.Uplift("uplift", "Uplift 3 %", Scope.EVERYTHING, d("3")),
                new Rule.Charge("fee", "Management fee", Scope.EVERYTHING, new Rule.Amount.Fixed(d("50")),
                        Rule.Frequency.MONTHLY, fee),
                new Rule.Credit("welcome", "Welcome credit", new Scope(List.of(), List.of(), List.of(), List.of(),
                        List.of(), Optional.empty(), Optional.of(GoldenBills.SEPT), Optional.empty()), new Rule.Amount.Fixed(d("5")),
                        Rule.Frequency.ONE_TIME, welcome));
        return new MspConfig("Cloudy MSP", "USD", customers, rules,
                List.of(new Workflow("standard", "Standard", Workflow.Basis.EFFECTIVE, List.of("uplift", "fee", "welcome"))),
                customers.stream().map(c -> new Assignment(c.id(), "standard", BillingPeriod.parse("2020-01"))).toList());
    }

    /** Lines of every kind a CUR holds: usage, tax, support, RI and Savings Plan usage and fees, a credit, a discount. */
    static List<LineItemFixture> everyKind() {
        List<LineItemFixture> lines = new ArrayList<>();
        lines.add(aLineItem().account(ACME).cost("10").list("10", "0.1").quantity("100").tag("Name", "web-1")
                .rateCode(RATE));
        // a price id on a tax line is AWS's, but FOCUS wants none on tax; AWS leaves its public cost empty
        lines.add(aLineItem().account(ACME).type("Tax").cost("1.5").list("", "").quantity("0").resource("")
                .usageType("").sku("").rateCode("TAX.RATE"));
        lines.add(aLineItem().account(ACME).product("AWSSupportBusiness", "AWS Support (Business)").cost("100")
                .list("100", "100").resource("").region(""));
        lines.add(aLineItem().account(ACME).type("DiscountedUsage").cost("0").list("2", "0.2").quantity("10")
                .reservation(RI, "1.2"));
        lines.add(aLineItem().account(ACME).type("RIFee").cost("30").list("0", "0").quantity("720").resource(RI)
                .reservation(RI, "0").riUnused("0", "5"));
        lines.add(aLineItem().account(ACME).type("SavingsPlanCoveredUsage").cost("4").list("4", "0.4").quantity("10")
                .savingsPlan(SP, "2.5"));
        lines.add(aLineItem().account(ACME).type("SavingsPlanRecurringFee").cost("20").list("0", "0").quantity("720")
                .resource(SP).savingsPlan(SP, "0").spCommitment("20", "18"));
        lines.add(aLineItem().account(ACME).type("Credit").cost("-3").list("0", "0").quantity("0"));
        lines.add(aLineItem().account(ACME).type("EdpDiscount").cost("-0.5").list("0", "0").quantity("0"));
        // usage of no quantity and no cost: any price fits, FOCUS's default is the list one
        lines.add(aLineItem().account(ACME).usageType("USE1-DataTransfer-Out-Bytes").cost("0").list("0", "0.09")
                .quantity("0"));
        lines.add(aLineItem().account(GLOBEX).product("AmazonS3", "Amazon Simple Storage Service").region("eu-west-1")
                .resource("arn:aws:s3:::globex-bucket/logs").usageType("EUW1-TimedStorage-ByteHrs")
                .cost("2").list("2", "0.023").quantity("86.95"));
        return lines;
    }

    @Test
    void everyFileOfABillWithEveryKindOfChargeIsFocus12() throws SQLException {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(everyKind(), dir.resolve("cur.csv"))), ProgressListener.silent());
        List<Customer> customers = List.of(
                new Customer("acme", "Acme Corp", "it@acme.test", List.of(ACME), Optional.empty()),
                new Customer("globex", "Globex", "it@globex.test", List.of(GLOBEX), Optional.empty()),
                new Customer("initech", "Initech", "it@initech.test", List.of("444444444444"), Optional.empty()));
        Path out = dir.resolve("out");
        InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL).bill(config(customers), GoldenBills.SEPT,
                ingestion.lineItemFiles("payer", GoldenBills.SEPT), Optional.of(out), Map.of("acme", "INV-2024-0042"), m -> { });
        try (Connection duck = DuckDb.open(settings)) {
            for (String id : List.of("acme", "globex", "initech")) {
                Path file = out.resolve("line_items/" + id + ".parquet");
                assertThat(FocusConformance.check(duck, file)).as(id).isEmpty();
                assertThat(columns(duck, file)).startsWith(FocusColumns.ALL.stream().map(FocusColumns.Column::name)
                        .toArray(String[]::new));
            }
            String acme = file(out, "acme");
            // what a FinOps tool reads from the MSP's usage line, the tax line and the fee
            assertThat(row(duck, "SELECT BillingAccountId, BillingAccountName, InvoiceId, ProviderName, PublisherName,"
                    + " ChargeCategory, ChargeFrequency, PricingCategory, PricingQuantity, PricingUnit, ConsumedQuantity,"
                    + " ConsumedUnit, RegionName, ResourceName, ResourceType, ServiceCategory, ServiceSubcategory,"
                    + " SubAccountName, SubAccountType, SkuMeter, CAST(Tags AS VARCHAR), BilledCost FROM " + acme
                    + " WHERE x_ChargeType = 'Usage' AND ServiceName = 'Amazon Elastic Compute Cloud'"))
                    .containsExactly("acme", "Acme Corp", "INV-2024-0042", "Cloudy MSP", "AWS", "Usage", "Usage-Based",
                            "Standard", "100.000000000000000000000000", "Hrs", "100.000000000000000000000000", "Hrs",
                            "US East (N. Virginia)", "web-1", "Instance", "Compute", "Virtual Machines", ACME,
                            "AWS Account", "USE1-BoxUsage:m5.large", "{\"Name\":\"web-1\"}", "10.300000000000000000000000");
            // a line without a list cost lists at what it bills (FOCUS ListCost is never null)
            assertThat(row(duck, "SELECT ChargeCategory, ChargeFrequency, PricingCategory, PricingQuantity, PricingUnit,"
                    + " ListUnitPrice, ContractedUnitPrice, ListCost, BilledCost FROM " + acme + " WHERE x_ChargeType = 'Tax'"))
                    .containsExactly("Tax", "Usage-Based", null, null, null, null, null, "1.500000000000000000000000",
                            "1.500000000000000000000000");
            assertThat(row(duck, "SELECT ChargeCategory, ChargeFrequency, PricingCategory, PricingQuantity, PricingUnit,"
                    + " ContractedUnitPrice, ListCost, BilledCost, InvoiceId FROM " + acme + " WHERE x_LineId = 'fee'"))
                    .containsExactly("Purchase", "Recurring", "Standard", "1.000000000000000000000000", "Month",
                            "50.000000000000000000000000", "50.000000000000000000000000", "50.000000000000000000000000",
                            "INV-2024-0042");
            assertThat(row(duck, "SELECT ChargeCategory, ChargeFrequency, BilledCost FROM " + acme + " WHERE x_LineId = 'welcome'"))
                    .containsExactly("Credit", "One-Time", "-5.000000000000000000000000");
            // AWS Support is Management and Governance / Support in FOCUS, not a category of its own
            assertThat(row(duck, "SELECT ServiceCategory, ServiceSubcategory FROM " + acme
                    + " WHERE ServiceName = 'AWS Support (Business)'")).containsExactly("Management and Governance", "Support");
            // the commitments: category, name, quantity and unit; covered usage is Committed
            assertThat(row(duck, "SELECT CommitmentDiscountCategory, CommitmentDiscountName, CommitmentDiscountType,"
                    + " CommitmentDiscountStatus, CommitmentDiscountQuantity, CommitmentDiscountUnit, PricingCategory FROM "
                    + acme + " WHERE x_ChargeType = 'DiscountedUsage'"))
                    .containsExactly("Usage", "ri-0001", "Reserved Instance", "Used", "10.000000000000000000000000", "Hrs", "Committed");
            assertThat(row(duck, "SELECT CommitmentDiscountCategory, CommitmentDiscountName, CommitmentDiscountQuantity,"
                    + " CommitmentDiscountUnit, PricingCategory FROM " + acme + " WHERE x_ChargeType = 'SavingsPlanCoveredUsage'"))
                    .containsExactly("Spend", "sp-0001", "2.500000000000000000000000", "USD", "Committed");
            assertThat(row(duck, "SELECT ChargeCategory, ChargeFrequency, CommitmentDiscountQuantity, PricingCategory FROM "
                    + acme + " WHERE x_ChargeType = 'SavingsPlanRecurringFee'"))
                    .containsExactly("Purchase", "Recurring", "20.000000000000000000000000", "Standard");
            // a draft (no invoice number given) leaves InvoiceId null on every row
            assertThat(row(duck, "SELECT count(*), count(InvoiceId) FROM " + file(out, "globex"))).containsExactly("3", "0");
            assertThat(row(duck, "SELECT RegionName, ResourceType, ServiceSubcategory, SubAccountType FROM "
                    + file(out, "globex") + " WHERE x_ChargeType = 'Usage'"))
                    .containsExactly("Europe (Ireland)", "Bucket", "Object Storage", "AWS Account");
        }
    }

    /**
     * FOCUS 1.2's product rules: ContractedUnitPrice x PricingQuantity = ContractedCost (the customer's charge, after a
     * 3 % uplift) and ListUnitPrice x PricingQuantity = ListCost, the prices exact at 24 places; null where FOCUS wants
     * none (tax) or no non-negative price fits (a discount in a row of its own); SkuPriceId from CUR's rate code.
     */
    @Test
    void unitPricesTimesThePricingQuantityAreTheCostsAndThePriceIdIsCarried() throws SQLException {
        Path out = billEveryKind();
        try (Connection duck = DuckDb.open(RebillSettings.at(dir.resolve("home")))) {
            String acme = file(out, "acme");
            String prices = "SELECT PricingQuantity, ContractedCost, ContractedUnitPrice, ListCost, ListUnitPrice, SkuPriceId FROM "
                    + acme + " WHERE ";
            // usage at a 3 % uplift: 10.30 for 100 hours is 0.103 an hour; the list price 10 / 100
            assertThat(row(duck, prices + "x_ChargeType = 'Usage' AND ServiceName = 'Amazon Elastic Compute Cloud'"
                    + " AND PricingQuantity = 100")).containsExactly("100.000000000000000000000000",
                    "10.300000000000000000000000", "0.103000000000000000000000", "10.000000000000000000000000",
                    "0.100000000000000000000000", RATE);
            // the unused reservation's 5.15 over 720 hours: 0.00715277..., rounded half-up at the 24th place
            assertThat(row(duck, prices + "x_ChargeType = 'RIFee'")).containsExactly("720.000000000000000000000000",
                    "5.150000000000000000000000", "0.007152777777777777777778", "0E-24", "0E-24", null);
            // usage a reservation or a Savings Plan covers: the customer's charge is the amortised cost x 1.03
            assertThat(row(duck, prices + "x_ChargeType = 'DiscountedUsage'")).containsExactly("10.000000000000000000000000",
                    "1.236000000000000000000000", "0.123600000000000000000000", "2.000000000000000000000000",
                    "0.200000000000000000000000", null);
            assertThat(row(duck, prices + "x_ChargeType = 'SavingsPlanCoveredUsage'")).containsExactly(
                    "10.000000000000000000000000", "2.575000000000000000000000", "0.257500000000000000000000",
                    "4.000000000000000000000000", "0.400000000000000000000000", null);
            // tax (which the uplift leaves out): no quantity, no price, no price id (the CUR line had one); its CUR
            // public cost is empty, so it lists at what it bills
            assertThat(row(duck, prices + "x_ChargeType = 'Tax'")).containsExactly(null, "1.500000000000000000000000",
                    null, "1.500000000000000000000000", null, null);
            // no quantity and no cost: the list price; an EDP discount of its own (-0.515 for no quantity): no price fits
            assertThat(row(duck, prices + "x_UsageType = 'USE1-DataTransfer-Out-Bytes'")).containsExactly(
                    "0E-24", "0E-24", "0.090000000000000000000000", "0E-24", "0.090000000000000000000000", null);
            assertThat(row(duck, "SELECT ContractedCost, ContractedUnitPrice FROM " + acme + " WHERE x_ChargeType = 'EdpDiscount'"))
                    .containsExactly("-0.515000000000000000000000", null);
            // the monthly fee is one month at 50; the welcome credit has no price and lists at what it bills
            assertThat(row(duck, prices + "x_LineId = 'fee'")).containsExactly("1.000000000000000000000000",
                    "50.000000000000000000000000", "50.000000000000000000000000", "50.000000000000000000000000",
                    "50.000000000000000000000000", null);
            assertThat(row(duck, prices + "x_LineId = 'welcome'")).containsExactly(null, "-5.000000000000000000000000",
                    null, "-5.000000000000000000000000", null, null);
            assertThat(FocusConformance.check(duck, out.resolve("line_items/acme.parquet"))).isEmpty();
        }
    }

    /**
     * Line items stored before Rebill kept price ids have no sku_price_id column: they are read as having none, and
     * the customer's file is billed from them as before, with SkuPriceId null.
     */
    @Test
    void linesStoredBeforePriceIdsWereKeptBillWithoutThem() throws SQLException, java.io.IOException {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(everyKind(), dir.resolve("cur.csv"))), ProgressListener.silent());
        try (Connection duck = DuckDb.open(settings); Statement s = duck.createStatement()) {
            for (Path stored : ingestion.lineItemFiles("payer", GoldenBills.SEPT)) {
                Path older = stored.resolveSibling("older.parquet");
                s.execute("COPY (SELECT * EXCLUDE (sku_price_id) FROM read_parquet('" + DuckDb.literal(stored.toString())
                        + "')) TO '" + DuckDb.literal(older.toString()) + "' (FORMAT parquet)");
                Files.move(older, stored, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertThat(columns(duck, stored)).doesNotContain("sku_price_id");
            }
        }
        Path out = dir.resolve("out");
        InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL).bill(config(List.of(new Customer("acme", "Acme Corp",
                        "it@acme.test", List.of(ACME), Optional.empty()))), GoldenBills.SEPT,
                ingestion.lineItemFiles("payer", GoldenBills.SEPT), Optional.of(out), m -> { });
        try (Connection duck = DuckDb.open(settings)) {
            assertThat(row(duck, "SELECT count(*), count(SkuPriceId), sum(BilledCost) FROM " + file(out, "acme")))
                    .containsExactly("12", "0", "167.216000000000000000000000");
            assertThat(FocusConformance.check(duck, out.resolve("line_items/acme.parquet"))).isEmpty();
        }
    }

    private Path billEveryKind() {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(everyKind(), dir.resolve("cur.csv"))), ProgressListener.silent());
        Path out = dir.resolve("out");
        InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL).bill(config(List.of(new Customer("acme", "Acme Corp",
                        "it@acme.test", List.of(ACME), Optional.empty()))), GoldenBills.SEPT,
                ingestion.lineItemFiles("payer", GoldenBills.SEPT), Optional.of(out), m -> { });
        return out;
    }

    @Test
    void theFilesBilledFromThePublicCurFocusAndAzureSamplesAreFocus12() throws SQLException {
        Path cur = Path.of("../shared/data/cur-csv-anonymized/sample-anonymous-aws-export-dataset.csv");
        Path focus = Path.of("../shared/data/focus-1.0-sample/focus_sample.csv");
        Path ea = Path.of("../shared/data/azure-samples/ea-cost-details-anonymized.csv");
        Path payg = Path.of("../shared/data/azure-samples/usage-header-german.csv");
        Assumptions.assumeTrue(Files.exists(cur) && Files.exists(focus) && Files.exists(ea) && Files.exists(payg),
                "../shared/data is not there");
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("cur", List.of(cur), ProgressListener.silent());
        ingestion.ingest("focus", List.of(focus), ProgressListener.silent());
        ingestion.ingest("ea", List.of(ea), ProgressListener.silent());
        ingestion.ingest("payg", List.of(payg), ProgressListener.silent());
        // one customer takes every line, so every line of the samples is in a file
        List<Customer> everyone = List.of(new Customer("all", "All lines", "it@all.test", List.of(),
                Optional.of("line.billing_account_id != null")));
        for (var source : List.of(Map.entry("cur", BillingPeriod.parse("2023-11")), Map.entry("focus", BillingPeriod.parse("2024-09")),
                Map.entry("ea", BillingPeriod.parse("2023-09")), Map.entry("payg", BillingPeriod.parse("2021-02")))) {
            Path out = dir.resolve("out-" + source.getKey());
            // the EA sample bills in Canadian dollars: an MSP billing in CAD
            MspConfig usd = config(everyone);
            MspConfig config = source.getKey().equals("ea") ? new MspConfig(usd.mspName(), "CAD", usd.customers(), usd.rules(),
                    usd.workflows(), usd.assignments()) : usd;
            BillResult r = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).bill(config, source.getValue(),
                    ingestion.lineItemFiles(source.getKey(), source.getValue()), Optional.of(out), m -> { });
            try (Connection duck = DuckDb.open(settings)) {
                Path file = out.resolve("line_items/all.parquet");
                assertThat(FocusConformance.check(duck, file)).as(source.getKey()).isEmpty();
                assertThat(row(duck, "SELECT count(*) FROM " + file(out, "all")).getFirst())
                        .as("every line, the fee and (in September 2024 only) the one-time credit")
                        .isEqualTo(String.valueOf(GoldenBills.customer(r, "all").lineCount()
                                + (source.getValue().equals(GoldenBills.SEPT) ? 2 : 1)));
            }
        }
    }

    @Test
    void theCheckNamesEachViolationWithItsColumnRuleAndAnOffendingRow() throws SQLException {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(everyKind(), dir.resolve("cur.csv"))), ProgressListener.silent());
        Path out = dir.resolve("out");
        InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL).bill(config(List.of(new Customer("acme", "Acme Corp",
                        "it@acme.test", List.of(ACME), Optional.empty()))), GoldenBills.SEPT,
                ingestion.lineItemFiles("payer", GoldenBills.SEPT), Optional.of(out), m -> { });
        Path broken = dir.resolve("broken.parquet");
        try (Connection duck = DuckDb.open(settings); Statement s = duck.createStatement()) {
            // lower-case category, a usage line without its pricing unit, a fee without a category, no InvoiceId,
            // costs as floating point, a region id without its name
            s.execute("COPY (SELECT * EXCLUDE (InvoiceId, BilledCost) REPLACE ("
                    + " CASE WHEN x_ChargeType = 'Tax' THEN 'tax' ELSE ChargeCategory END AS ChargeCategory,"
                    + " CASE WHEN x_ChargeType = 'Usage' THEN NULL ELSE PricingUnit END AS PricingUnit,"
                    + " CASE WHEN x_LineId = 'fee' THEN NULL ELSE PricingCategory END AS PricingCategory,"
                    + " CAST(NULL AS VARCHAR) AS RegionName),"
                    + " CAST(BilledCost AS DOUBLE) AS BilledCost FROM " + file(out, "acme") + ") TO '"
                    + DuckDb.literal(broken.toString()) + "' (FORMAT parquet)");
            List<String> violations = FocusConformance.check(duck, broken).stream().map(Object::toString).toList();
            assertThat(violations).containsExactlyInAnyOrder(
                    "broken.parquet: BilledCost MUST be of type DECIMAL but is DOUBLE",
                    "broken.parquet: ChargeCategory MUST be one of the allowed values (1 rows, e.g. x_LineId payer/part-00000-1: 'tax')",
                    "broken.parquet: InvoiceId is missing (RECOMMENDED)",
                    "broken.parquet: PricingCategory MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" and"
                            + " ChargeClass is not \"Correction\" (1 rows, e.g. x_LineId fee: null)",
                    "broken.parquet: PricingUnit MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" and"
                            + " ChargeClass is not \"Correction\" (3 rows, e.g. x_LineId payer/part-00000-0: null)",
                    "broken.parquet: RegionName MUST NOT be null when RegionId is not null (9 rows, e.g. x_LineId payer/part-00000-0: null)",
                    "broken.parquet: PricingUnit MUST be null when PricingQuantity is null, and not null when it is not"
                            + " (3 rows, e.g. x_LineId payer/part-00000-0: null)");
        }
    }

    /**
     * A Savings Plan's negation line (CUR `SavingsPlanNegation`: the covered usage's on-demand cost taken off again,
     * with the plan's ARN) is usage the commitment covers: FOCUS 1.2 wants a status on usage with a commitment id, so
     * it is "Used" and "Committed", on the effective basis (charge 0) and on the billed one (the negative offset),
     * whether CUR gives it the covered quantity or none. The covered line and its negation bill what the plan's rate
     * does.
     */
    @Test
    void aSavingsPlansNegationLineIsCommittedUsageOfThePlan() throws SQLException {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(List.of(
                aLineItem().account(ACME).type("SavingsPlanCoveredUsage").cost("4").list("4", "0.4").quantity("10")
                        .savingsPlan(SP, "2.5"),
                aLineItem().account(ACME).type("SavingsPlanNegation").cost("-4").list("", "").quantity("10")
                        .savingsPlan(SP, "0"),
                aLineItem().account(ACME).type("SavingsPlanNegation").cost("-1").list("", "").quantity("0")
                        .savingsPlan(SP, "0")), dir.resolve("cur.csv"))), ProgressListener.silent());
        List<Customer> acme = List.of(new Customer("acme", "Acme Corp", "it@acme.test", List.of(ACME), Optional.empty()));
        for (Workflow.Basis basis : Workflow.Basis.values()) {
            MspConfig standard = config(acme);
            MspConfig config = new MspConfig(standard.mspName(), standard.currency(), standard.customers(), standard.rules(),
                    List.of(new Workflow("standard", "Standard", basis, List.of("uplift"))), standard.assignments());
            Path out = dir.resolve("out-" + basis);
            InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL).bill(config, GoldenBills.SEPT,
                    ingestion.lineItemFiles("payer", GoldenBills.SEPT), Optional.of(out), m -> { });
            try (Connection duck = DuckDb.open(settings)) {
                assertThat(FocusConformance.check(duck, out.resolve("line_items/acme.parquet"))).as(basis.name()).isEmpty();
                assertThat(row(duck, "SELECT count(*), string_agg(DISTINCT ChargeCategory), string_agg(DISTINCT"
                        + " CommitmentDiscountStatus), string_agg(DISTINCT PricingCategory), string_agg(DISTINCT"
                        + " CommitmentDiscountName) FROM " + file(out, "acme") + " WHERE x_ChargeType = 'SavingsPlanNegation'"))
                        .as(basis.name()).containsExactly("2", "Usage", "Used", "Committed", "sp-0001");
                assertThat(row(duck, "SELECT sum(BilledCost) FROM " + file(out, "acme")).getFirst()).as(basis.name())
                        .isEqualTo(switch (basis) {
                            case EFFECTIVE -> "2.575000000000000000000000";
                            case BILLED -> "-1.030000000000000000000000";
                            case LIST -> "4.120000000000000000000000";
                        });
            }
        }
    }

    /**
     * Lines of a Google Cloud export (credits as lines of their own, tax, usage with and without a list cost) and of
     * an Azure cost details export, each billed to one customer: every file is FOCUS 1.2.
     */
    @Test
    void theFilesBilledFromGoogleCloudAndAzureExportsAreFocus12() throws SQLException {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        List<LineItemFixture> lines = List.of(
                aLineItem().account("my-project-1").cost("10").list("12.5", null).quantity("100").tag("env", "prod")
                        .credit("SUSTAINED_USAGE_DISCOUNT", "-2.5").credit("PROMOTION", "-1e-06"),
                aLineItem().account("my-project-1").cost("5e-06").list("5e-06", null).quantity("0"),
                aLineItem().account("my-project-1").type("Tax").cost("0.84").list("0.84", null));
        ingestion.ingest("gcp", List.of(io.rebill.ingestion.ProviderWriters.gcpCsv(lines, dir.resolve("gcp/export.csv"))),
                ProgressListener.silent());
        ingestion.ingest("azure", List.of(io.rebill.ingestion.ProviderWriters.azureCostDetails(List.of(
                aLineItem().account(ACME).cost("10").list("12", "0.12").quantity("100").tag("env", "prod"),
                aLineItem().account(ACME).cost("0").list("0", "0.2").quantity("0")), dir.resolve("azure/cost.csv"))),
                ProgressListener.silent());
        for (var source : List.of(Map.entry("gcp", List.of("my-project-1")), Map.entry("azure", List.of(ACME)))) {
            Path out = dir.resolve("out-" + source.getKey());
            InvoiceAssembly.billing(settings, CustomerLineFilesTest.NO_CEL).bill(config(List.of(new Customer("acme",
                            "Acme Corp", "it@acme.test", source.getValue(), Optional.empty()))), GoldenBills.SEPT,
                    ingestion.lineItemFiles(source.getKey(), GoldenBills.SEPT), Optional.of(out), m -> { });
            try (Connection duck = DuckDb.open(settings)) {
                assertThat(FocusConformance.check(duck, out.resolve("line_items/acme.parquet"))).as(source.getKey()).isEmpty();
                assertThat(row(duck, "SELECT count(*) FROM " + file(out, "acme")).getFirst()).as(source.getKey())
                        .isEqualTo(source.getKey().equals("gcp") ? "7" : "4");
            }
        }
    }

    /** Unit prices that do not give the costs, a price id on tax or under two SKUs, a credit listed at nothing. */
    @Test
    void theCheckNamesEachBrokenPriceRule() throws SQLException {
        Path out = billEveryKind();
        Path broken = dir.resolve("prices.parquet");
        try (Connection duck = DuckDb.open(RebillSettings.at(dir.resolve("home"))); Statement s = duck.createStatement()) {
            String acme = file(out, "acme");
            String usage = row(duck, "SELECT x_LineId FROM " + acme + " WHERE x_ChargeType = 'Usage' AND PricingQuantity = 100").getFirst();
            String sp = row(duck, "SELECT x_LineId FROM " + acme + " WHERE x_ChargeType = 'SavingsPlanCoveredUsage'").getFirst();
            String ri = row(duck, "SELECT x_LineId FROM " + acme + " WHERE x_ChargeType = 'DiscountedUsage'").getFirst();
            String tax = row(duck, "SELECT x_LineId FROM " + acme + " WHERE x_ChargeType = 'Tax'").getFirst();
            // the list price as the contracted one (what Rebill wrote before), no list price on covered usage, the
            // usage's price id on the tax line and on the reservation's usage of another SKU, a credit listed at 0
            s.execute("COPY (SELECT * REPLACE ("
                    + " CASE WHEN x_LineId = '" + usage + "' THEN ListUnitPrice ELSE ContractedUnitPrice END AS ContractedUnitPrice,"
                    + " CASE WHEN x_LineId = '" + sp + "' THEN NULL ELSE ListUnitPrice END AS ListUnitPrice,"
                    + " CASE WHEN x_LineId IN ('" + tax + "', '" + ri + "') THEN '" + RATE + "' ELSE SkuPriceId END AS SkuPriceId,"
                    + " CASE WHEN x_LineId = '" + ri + "' THEN 'SKU999' ELSE SkuId END AS SkuId,"
                    + " CASE WHEN x_LineId = 'welcome' THEN 0 ELSE ListCost END AS ListCost) FROM " + acme + ") TO '"
                    + DuckDb.literal(broken.toString()) + "' (FORMAT parquet)");
            List<String> violations = FocusConformance.check(duck, broken).stream().map(Object::toString).toList();
            assertThat(violations).containsExactlyInAnyOrder(
                    "prices.parquet: ContractedUnitPrice times PricingQuantity MUST match ContractedCost when PricingQuantity"
                            + " is not null and ChargeClass is not \"Correction\" (ContractedCost / PricingQuantity rounded"
                            + " half-up at 24 places) (1 rows, e.g. x_LineId " + usage + ": '0.100000000000000000000000')",
                    "prices.parquet: ListUnitPrice MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" and"
                            + " ChargeClass is not \"Correction\", unless no non-negative price times PricingQuantity gives"
                            + " ListCost (1 rows, e.g. x_LineId " + sp + ": null)",
                    "prices.parquet: SkuPriceId MUST be null when ChargeCategory is \"Tax\" (1 rows, e.g. x_LineId " + tax
                            + ": '" + RATE + "')",
                    "prices.parquet: SkuPriceId MUST have one and only one parent SkuId (3 rows, e.g. x_LineId " + usage
                            + ": '" + RATE + "')",
                    "prices.parquet: ListCost MUST match BilledCost when ListUnitPrice is null and ChargeCategory is"
                            + " \"Credit\" (1 rows, e.g. x_LineId welcome: '0.000000000000000000000000')");
        }
    }

    static String file(Path out, String customer) {
        return "read_parquet('" + DuckDb.literal(out.resolve("line_items").resolve(customer + ".parquet").toString()) + "')";
    }

    static List<String> columns(Connection duck, Path file) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('"
                + DuckDb.literal(file.toString()) + "')")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** The first row of a query, each value as text (null as null). */
    static List<String> row(Connection duck, String sql) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row for %s", sql).isTrue();
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                values.add(rs.getString(i));
            }
            return values;
        }
    }
}
