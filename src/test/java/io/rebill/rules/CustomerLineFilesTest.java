package io.rebill.rules;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.chargeTypes;
import static io.rebill.rules.GoldenBills.customer;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-customer FOCUS files (line_items/&lt;customer&gt;.parquet) hold every line the customer is billed for
 * exactly once, and their BilledCost adds up to the customer's charge, however the run groups customers to write
 * them; two runs write the same rows in the same order.
 */
class CustomerLineFilesTest {
    static final PredicateCompiler NO_CEL = e -> {
        throw new AssertionError("no CEL in this scenario: " + e);
    };
    static final Map<String, String> ACCOUNT = Map.of("acme", "111111111111", "globex", "222222222222",
            "initech", "444444444444", "umbrella", "555555555555");
    static final Rule.InvoiceLabel FEE = new Rule.InvoiceLabel("Managed services", Optional.empty(), Optional.empty());

    @TempDir
    Path dir;
    RebillSettings settings;
    List<Path> lineItems;

    @BeforeEach
    void ingest() {
        List<LineItemFixture> lines = new ArrayList<>();
        // acme: 7 usage lines (billed) and an EDP discount (excluded); globex: 5 usage lines, interleaved with acme's
        IntStream.range(0, 7).forEach(i -> lines.add(aLineItem().account(ACCOUNT.get("acme")).cost("1" + i)
                .list("1" + i, "1").resource("acme-" + i).tag("team", "t" + i)));
        IntStream.range(0, 5).forEach(i -> lines.add(2 * i + 1, aLineItem().account(ACCOUNT.get("globex")).cost("2" + i)
                .list("2" + i, "1").resource("globex-" + i)));
        lines.add(aLineItem().account(ACCOUNT.get("acme")).type("EdpDiscount").cost("-1.5").list("0", "0"));
        // umbrella: only excluded lines; initech: no lines at all; 333...: nobody's (unassigned)
        lines.add(aLineItem().account(ACCOUNT.get("umbrella")).type("EdpDiscount").cost("-2").list("0", "0"));
        lines.add(aLineItem().account(ACCOUNT.get("umbrella")).type("EdpDiscount").cost("-3").list("0", "0"));
        lines.add(aLineItem().account("333333333333").cost("7").list("7", "7"));
        settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(lines, dir.resolve("cur.csv"))), ProgressListener.silent());
        lineItems = ingestion.lineItemFiles("payer", GoldenBills.SEPT);
    }

    MspConfig config() {
        List<Customer> customers = ACCOUNT.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Customer(e.getKey(), e.getKey(), "it@" + e.getKey() + ".test", List.of(e.getValue()), Optional.empty()))
                .toList();
        List<Rule> rules = List.of(
                new Rule.Exclusion("edp", "Remove EDP discount", chargeTypes("EdpDiscount")),
                new Rule.Uplift("uplift", "Uplift 3 %", Scope.EVERYTHING, d("3")),
                new Rule.Charge("fee", "Management fee", Scope.EVERYTHING, new Rule.Amount.Fixed(d("50")),
                        Rule.Frequency.MONTHLY, FEE));
        return new MspConfig("Cloudy MSP", "USD", customers, rules,
                List.of(new Workflow("standard", "Standard", Workflow.Basis.EFFECTIVE, List.of("edp", "uplift", "fee"))),
                customers.stream().map(c -> new Assignment(c.id(), "standard", GoldenBills.SEPT)).toList());
    }

    BillResult bill(Path out, long linesPerGroup) {
        return InvoiceAssembly.billing(settings, NO_CEL).bill(config(), GoldenBills.SEPT, lineItems, Optional.of(out), linesPerGroup, m -> { });
    }

    @Test
    void everyBilledLineIsInItsCustomersFileOnceAndTheFileAddsUpToTheCharge() throws SQLException {
        // groups of one line's worth: each customer with lines is a group of its own
        Path out = dir.resolve("out");
        BillResult r = bill(out, 1);
        try (Connection duck = DuckDb.open(settings)) {
            for (String id : ACCOUNT.keySet()) {
                assertThat(out.resolve("line_items/" + id + ".parquet")).exists();
                assertThat(query(duck, "SELECT sum(BilledCost) FROM " + file(out, id)).getFirst())
                        .as("sum of BilledCost in %s's file", id)
                        .isEqualByComparingTo(customer(r, id).charge());
            }
            assertThat(query(duck, "SELECT count(*) FROM " + file(out, "acme") + " WHERE x_ChargeType = 'Usage'"
                    + " AND SubAccountId = '" + ACCOUNT.get("acme") + "'")).containsExactly(d("7"));
            assertThat(query(duck, "SELECT count(*) FROM " + file(out, "globex") + " WHERE x_ChargeType = 'Usage'"
                    + " AND SubAccountId = '" + ACCOUNT.get("globex") + "'")).containsExactly(d("5"));
            // the excluded and the unassigned lines are in no file; the fee is in each file, as its last row
            assertThat(query(duck, "SELECT count(*) FROM " + file(out, "*") + " WHERE x_ChargeType = 'charge'")).containsExactly(d("4"));
            assertThat(query(duck, "SELECT count(*) FROM " + file(out, "*") + " WHERE x_ChargeType <> 'charge'")).containsExactly(d("12"));
            assertThat(query(duck, "SELECT count(DISTINCT x_LineId) FROM " + file(out, "*") + " WHERE x_ChargeType <> 'charge'"))
                    .containsExactly(d("12"));
            assertThat(query(duck, "SELECT count(*) FROM " + file(out, "umbrella"))).containsExactly(d("1"));
            assertThat(query(duck, "SELECT count(*) FROM " + file(out, "initech"))).containsExactly(d("1"));
            // the costs are stored at 12 places (the CSV has fewer); a customer's file states every amount at 24
            assertThat(strings(duck, "SELECT name || ' ' || type_scale FROM (SELECT name, scale AS type_scale FROM parquet_schema('"
                    + DuckDb.literal(out.resolve("line_items/acme.parquet").toString()) + "')) WHERE name IN ('BilledCost',"
                    + " 'EffectiveCost', 'ContractedCost', 'ListCost', 'x_OriginalCost') ORDER BY name"))
                    .containsExactly("BilledCost 24", "ContractedCost 24", "EffectiveCost 24", "ListCost 24", "x_OriginalCost 24");
            // FOCUS Tags: the line's tags as a JSON object (FOCUS Key-Value Format), NULL for a line without any
            assertThat(strings(duck, "SELECT DISTINCT typeof(Tags) FROM " + file(out, "acme"))).containsExactly("JSON");
            assertThat(strings(duck, "SELECT Tags->>'team' FROM " + file(out, "acme") + " WHERE x_ChargeType = 'Usage'"
                    + " ORDER BY 1")).containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6");
            assertThat(strings(duck, "SELECT count(*) FROM " + file(out, "globex") + " WHERE Tags IS NOT NULL")).containsExactly("0");
            assertThat(strings(duck, "SELECT x_LineId FROM " + file(out, "acme"))).hasSize(8).endsWith("fee")
                    .satisfies(ids -> assertThat(ids.subList(0, 7)).isSorted());
        }
    }

    @Test
    void linesOfTwoPayerAccountsBilledTogetherKeepIdsOfTheirOwn() throws SQLException {
        // a second payer's source: its first file is part-00000 too, and its first line is for acme as well
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer-2", List.of(TestFiles.curCsv(List.of(aLineItem().account(ACCOUNT.get("acme")).cost("100")
                .list("100", "1").resource("acme-second-payer")), dir.resolve("cur-2.csv"))), ProgressListener.silent());
        List<Path> both = new ArrayList<>(lineItems);
        both.addAll(ingestion.lineItemFiles("payer-2", GoldenBills.SEPT));
        Path out = dir.resolve("both");
        BillResult r = InvoiceAssembly.billing(settings, NO_CEL).bill(config(), GoldenBills.SEPT, both, Optional.of(out), 1_000_000, m -> { });
        // acme: (10 + 11 + ... + 16 + 100) x 1.03 + the 50 fee
        assertThat(customer(r, "acme").charge().stripTrailingZeros().toPlainString()).isEqualTo("246.73");
        try (Connection duck = DuckDb.open(settings)) {
            List<String> ids = strings(duck, "SELECT x_LineId FROM " + file(out, "acme") + " WHERE x_ChargeType = 'Usage'");
            assertThat(ids).hasSize(8).doesNotHaveDuplicates().contains("payer/part-00000-0", "payer-2/part-00000-0");
        }
        Explanation e = InvoiceAssembly.billing(settings, NO_CEL).explain(config(), GoldenBills.SEPT, both, "payer-2/part-00000-0");
        assertThat(e.cost().stripTrailingZeros().toPlainString()).isEqualTo("100");
        assertThat(e.charge().orElseThrow().stripTrailingZeros().toPlainString()).isEqualTo("103");
    }

    @Test
    void theFilesDoNotDependOnHowCustomersAreGroupedNorOnTheRun() throws SQLException {
        Path alone = dir.resolve("alone");
        Path together = dir.resolve("together");
        Path again = dir.resolve("again");
        bill(alone, 1);
        bill(together, 1_000_000);
        bill(again, 1_000_000);
        try (Connection duck = DuckDb.open(settings)) {
            for (String id : ACCOUNT.keySet()) {
                assertThat(rowsInOrderDiffer(duck, file(alone, id), file(together, id))).as(id).isZero();
                assertThat(rowsInOrderDiffer(duck, file(together, id), file(again, id))).as(id).isZero();
            }
        }
    }

    private static String file(Path out, String customer) {
        return "read_parquet('" + DuckDb.literal(out.resolve("line_items").resolve(customer + ".parquet").toString()) + "')";
    }

    /** Rows of one file missing from the other at the same position, both ways (columns, values and order). */
    private static long rowsInOrderDiffer(Connection duck, String a, String b) throws SQLException {
        String numberedA = "SELECT * FROM " + a.replace("')", "', file_row_number = true)");
        String numberedB = "SELECT * FROM " + b.replace("')", "', file_row_number = true)");
        String sql = "SELECT count(*) FROM ((" + numberedA + " EXCEPT ALL " + numberedB + ") UNION ALL ("
                + numberedB + " EXCEPT ALL " + numberedA + "))";
        return query(duck, sql).getFirst().longValueExact();
    }

    private static List<BigDecimal> query(Connection duck, String sql) throws SQLException {
        return strings(duck, sql).stream().map(v -> v == null ? null : new BigDecimal(v)).toList();
    }

    private static List<String> strings(Connection duck, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
