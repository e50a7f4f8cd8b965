package io.rebill.rules;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.shared.config.RebillSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.SEPT;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tag aggregate a bill run stores for reports by tag and virtual tag (issue 12 items 2 and 4), on the golden data
 * of {@link DailyAggregateGoldenTest} with each rule kind (exclusion, adjustment, uplift, fixed charge,
 * percent-of-subtotal credit) and a team tag: for every key, each customer's rows add up to its daily rows (its
 * invoice before rounding) and to its cost; a virtual tag takes the first case a line meets; the excluded line is
 * an MSP-only row with charge 0; a customer's own virtual tag covers its lines only.
 */
class TagAggregateGoldenTest {

    @TempDir
    Path dir;

    private static Scope services(String... names) {
        return new Scope(List.of(names), List.of(), List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static LineItemFixture on(String account, int day, String cost) {
        String start = String.format("2024-09-%02dT10:00:00Z", day);
        String end = String.format("2024-09-%02dT11:00:00Z", day);
        return aLineItem().account(account).usage(start, end).cost(cost).list(cost, cost);
    }

    private static final List<Rule> EVERY_KIND = List.of(
            new Rule.Exclusion("no-s3", "S3 is on us", services("AmazonS3")),
            new Rule.Adjustment("cf", "CloudFront re-rating", services("AmazonCloudFront"), d("75.0")),
            new Rule.Uplift("up", "Uplift 3 %", Scope.EVERYTHING, d("3")),
            new Rule.Charge("fee", "Management fee", Scope.EVERYTHING, new Rule.Amount.Fixed(d("100")),
                    Rule.Frequency.MONTHLY, new Rule.InvoiceLabel("Management fee", Optional.of("MSP Fee"),
                    Optional.empty())),
            new Rule.Credit("promo", "Promotional credit", Scope.EVERYTHING,
                    new Rule.Amount.PercentOfSubtotal(d("10"), Optional.empty()), Rule.Frequency.MONTHLY,
                    new Rule.InvoiceLabel("Promotional credit", Optional.of("Credits"), Optional.empty())));

    private static final List<LineItemFixture> LINES = List.of(
            on("111111111111", 3, "10.00").tag("team", "web"),
            on("111111111111", 4, "20.005").region("eu-west-1").tag("team", "data"),
            on("111111111111", 4, "40").product("AmazonCloudFront", "Amazon CloudFront").tag("team", "web"),
            on("111111111111", 5, "5").product("AmazonS3", "Amazon Simple Storage Service").tag("team", "web"),
            on("222222222222", 10, "7.123456").tag("team", "web"),
            on("222222222222", 11, "1.5").type("Tax"),
            on("333333333333", 12, "2.00").tag("team", "ops"));

    private static final TagDimensions TAGS = new TagDimensions(20, List.of(
            new TagDimensions.VirtualTagSql("workload", Optional.empty(), List.of(
                    new TagDimensions.Case("line.x_service_code == 'AmazonEC2'", "Compute"),
                    new TagDimensions.Case("line.x_service_code.startsWith('Amazon')", "Other AWS"),
                    new TagDimensions.Case("line.x_service_code == 'AmazonCloudFront'", "never: an earlier case wins"))),
            new TagDimensions.VirtualTagSql("acme-eu", Optional.of("acme"), List.of(
                    new TagDimensions.Case("line.region_id == 'eu-west-1'", "EU")))));

    record Row(String customer, String kind, String service, String source, String key, String value, BigDecimal cost,
               BigDecimal charge) {
        boolean customerSees() {
            return kind.equals("usage") || kind.equals("charge") || kind.equals("credit");
        }
    }

    /**
     * Beside a good virtual tag, one stored by an earlier version whose condition this version no longer compiles
     * (a misspelt field) and one that compiles but fails in DuckDB on the period's lines (a decimal overflow).
     */
    private static final TagDimensions BROKEN = new TagDimensions(20, List.of(
            TAGS.virtualTags().getFirst(),
            new TagDimensions.VirtualTagSql("legacy-id", "Legacy", "Cloud Partner", Optional.empty(), List.of(
                    new TagDimensions.Case("line.x_service_code == 'AmazonEC2'", "Compute"),
                    new TagDimensions.Case("line.regoin_id == 'eu-west-1'", "EU"))),
            new TagDimensions.VirtualTagSql("overflow-id", "Huge", "Acme", Optional.of("acme"), List.of(
                    new TagDimensions.Case("line.billed_cost * 10000000000000.0 * 10000000000000.0 > 1.0", "Big")))));

    private DailyBill billDaily() {
        return billDaily(TAGS);
    }

    private DailyBill billDaily(TagDimensions tags) {
        MspConfig config = new MspConfig("MSP", "USD", List.of(
                new Customer("acme", "Acme", "a@acme.test", List.of("111111111111"), Optional.empty()),
                new Customer("globex", "Globex", "g@globex.test", List.of("222222222222"), Optional.empty())),
                EVERY_KIND,
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, EVERY_KIND.stream().map(Rule::id).toList())),
                List.of(new Assignment("acme", "w", SEPT)));
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(LINES, dir.resolve("cur.csv"))), ProgressListener.silent());
        return io.rebill.invoicing.InvoiceAssembly.billing(settings, PredicateCompiler.cel()).billDaily(config, SEPT,
                ingestion.lineItemFiles("payer", SEPT), tags, m -> { });
    }

    /** The rows of the run's tag aggregate file (Parquet), read with plain DuckDB. */
    private static List<Row> rows(DailyBill bill) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.PreparedStatement ps = duck.prepareStatement("SELECT customer_key, kind, service, tag_source,"
                     + " tag_key, tag_value, CAST(cost AS VARCHAR), CAST(charge AS VARCHAR) FROM read_parquet(?)")) {
            ps.setString(1, bill.tagFile().orElseThrow().toString());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), new BigDecimal(rs.getString(7)),
                            new BigDecimal(rs.getString(8))));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return rows;
    }

    /** Sums of the customer-visible charge per value of one key, "(none)" for no value. */
    private static Map<String, String> charges(List<Row> rows, String customer, String key) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        rows.stream().filter(r -> customer.equals(r.customer()) && r.key().equals(key) && r.customerSees())
                .forEach(r -> sums.merge(r.value() == null ? "(none)" : r.value(), r.charge(), BigDecimal::add));
        Map<String, String> text = new TreeMap<>();
        sums.forEach((k, v) -> text.put(k, v.stripTrailingZeros().toPlainString()));
        return text;
    }

    @Test
    void everyKeyAddsUpToTheDailyRowsAndTheInvoiceBeforeRounding() throws IOException {
        try (DailyBill bill = billDaily()) {
            List<Row> rows = rows(bill);
            for (CustomerBill c : bill.result().customers()) {
                BigDecimal daily = bill.daily().stream().filter(r -> c.customerId().equals(r.customerId())
                        && r.kind().customerVisible()).map(DailyCost::charge).reduce(BigDecimal.ZERO, BigDecimal::add);
                for (String key : List.of("team", "workload")) {
                    BigDecimal tagged = rows.stream().filter(r -> c.customerId().equals(r.customer())
                            && r.key().equals(key) && r.customerSees()).map(Row::charge)
                            .reduce(BigDecimal.ZERO, BigDecimal::add);
                    assertThat(tagged).as(c.customerId() + " " + key).isEqualByComparingTo(daily)
                            .isEqualByComparingTo(c.charge());
                    BigDecimal cost = rows.stream().filter(r -> c.customerId().equals(r.customer())
                            && r.key().equals(key)).map(Row::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
                    assertThat(cost).as(c.customerId() + " " + key).isEqualByComparingTo(c.cost());
                }
            }
            // acme: EC2 10.30 (web) + 20.60515 (data), CloudFront 40 x 75 % x 1.03 = 30.9 (web); fee 100 and credit
            // -16.180515 have no tag; the excluded S3 line (web) is never a charge
            assertThat(charges(rows, "acme", "team")).containsExactly(Map.entry("(none)", "83.819485"),
                    Map.entry("data", "20.60515"), Map.entry("web", "41.2"));
            assertThat(charges(rows, "acme", "workload")).containsExactly(Map.entry("(none)", "83.819485"),
                    Map.entry("Compute", "30.90515"), Map.entry("Other AWS", "30.9"));
            assertThat(charges(rows, "acme", "acme-eu")).containsExactly(Map.entry("(none)", "125.019485"),
                    Map.entry("EU", "20.60515"));
        }
    }

    @Test
    void theExcludedLineIsTheMspsCostOnlyAndACustomersVirtualTagCoversItsLinesOnly() throws IOException {
        try (DailyBill bill = billDaily()) {
            List<Row> rows = rows(bill);
            Row s3 = rows.stream().filter(r -> r.key().equals("team") && r.service().equals("Amazon Simple Storage Service"))
                    .findFirst().orElseThrow();
            assertThat(s3.kind()).isEqualTo("excluded");
            assertThat(s3.charge()).isZero();
            assertThat(s3.cost().stripTrailingZeros().toPlainString()).isEqualTo("5");
            assertThat(rows.stream().filter(r -> r.key().equals("acme-eu")).map(Row::customer).distinct().toList())
                    .containsExactly("acme");
            // the MSP's virtual tag covers every line, the unassigned one too (cost only)
            assertThat(rows.stream().filter(r -> r.key().equals("workload") && r.customer() == null)
                    .map(r -> r.kind() + " " + r.value() + " " + r.cost().stripTrailingZeros().toPlainString()
                            + " " + r.charge().stripTrailingZeros().toPlainString()).toList())
                    .containsExactly("unassigned Compute 2 0");
            assertThat(rows).allSatisfy(r -> assertThat(r.source()).isIn("tag", "virtual"));
            assertThat(rows.stream().filter(r -> r.source().equals("tag")).map(Row::key).distinct().toList())
                    .containsExactly("team");
        }
    }

    @Test
    void aVirtualTagThatNoLongerCompilesOrFailsOnTheLinesIsSkippedWithAWarningAndTheTotalsKept() throws IOException {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(io.rebill.rules.internal.TagAggregate.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (DailyBill bill = billDaily(BROKEN)) {
            List<Row> rows = rows(bill);
            // the good virtual tag and the provider tag are as without the broken ones
            assertThat(charges(rows, "acme", "team")).containsExactly(Map.entry("(none)", "83.819485"),
                    Map.entry("data", "20.60515"), Map.entry("web", "41.2"));
            assertThat(charges(rows, "acme", "workload")).containsExactly(Map.entry("(none)", "83.819485"),
                    Map.entry("Compute", "30.90515"), Map.entry("Other AWS", "30.9"));
            // the broken ones: every line without a value, so a report by them still adds up to the invoice
            assertThat(charges(rows, "acme", "legacy-id")).containsExactly(Map.entry("(none)", "145.624635"));
            assertThat(charges(rows, "acme", "overflow-id")).containsExactly(Map.entry("(none)", "145.624635"));
            for (CustomerBill c : bill.result().customers()) {
                assertThat(charges(rows, c.customerId(), "legacy-id")).containsExactly(Map.entry("(none)",
                        c.charge().stripTrailingZeros().toPlainString()));
            }
        } finally {
            logger.detachAppender(log);
        }
        List<String> warnings = log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).hasSize(2);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("2024-09", "virtual tag 'Legacy' (legacy-id) of"
                + " Cloud Partner", "rules[2].condition", "regoin_id", "did you mean region_id"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("virtual tag 'Huge' (overflow-id) of Acme",
                "fail on the period's lines"));
    }
}
