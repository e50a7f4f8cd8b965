package io.rebill.cli;

import io.rebill.ingestion.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;

/** bill, diff and explain as a finance user runs them, from msp.yaml to files and exit codes. */
class BillCliTest {
    @TempDir
    Path dir;

    private CliRunner.Run rebill(String... args) {
        return new CliRunner(dir.resolve("home")).rebill(args);
    }

    static final String CONFIG = """
            msp:
              name: Cloudy MSP
              currency: USD
            customers:
              - id: acme
                name: Acme
                contact_email: billing@acme.example
                accounts: ['111111111111']
              - id: tagged
                name: Tagged Co
                contact_email: billing@tagged.example
                match: line.tags['customer'] == 'tagged'
            rules:
              - id: uplift
                title: Uplift 3 %
                kind: uplift
                percent: 3
              - id: fee
                title: Management fee
                kind: charge
                amount: 100
                frequency: monthly
                invoice:
                  service: Management fee
            workflows:
              - id: standard
                title: Standard
                rules: [uplift, fee]
            assignments:
              - customer: acme
                workflow: standard
                from: 2024-01
              - customer: tagged
                workflow: standard
                from: 2024-01
            """;

    private Path cur() {
        return TestFiles.curCsv(List.of(
                aLineItem().account("111111111111").cost("200").list("200", "200"),
                aLineItem().account("555555555555").cost("50").list("50", "50").tag("customer", "tagged"),
                aLineItem().account("666666666666").cost("7").list("7", "7")), dir.resolve("cur.csv"));
    }

    @Test
    void billWritesEveryFileAndPrintsTheSummary() throws Exception {
        Path config = Files.writeString(dir.resolve("msp.yaml"), CONFIG);
        Path out = dir.resolve("out");
        CliRunner.Run r = rebill("bill", "--config", config.toString(), "--period", "2024-09", "--out", out.toString(), cur().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        // acme 200 -> 206 + fee 100 = 306; tagged (claimed by its tag) 50 -> 51.50 + 100 = 151.50
        assertThat(Files.readAllLines(out.resolve("summary.csv"))).containsExactly(
                "customer_id,billing_period,cost,charge,margin,margin_pct,invoice_total,currency",
                "acme,2024-09,200.0000000000,306.0000000000,106.0000000000,53.0000000000,306.00,USD",
                "tagged,2024-09,50.0000000000,151.5000000000,101.5000000000,203.0000000000,151.50,USD");
        assertThat(Files.readAllLines(out.resolve("invoices/tagged.csv"))).containsExactly(
                "customer_id,billing_period,line_type,service,category,sub_category,amount,currency",
                "tagged,2024-09,service,Amazon Elastic Compute Cloud,,,51.50,USD",
                "tagged,2024-09,charge,Management fee,,,100.00,USD");
        assertThat(Files.readString(out.resolve("unassigned.csv"))).contains("666666666666");
        assertThat(r.out()).contains("unassigned: 1 lines").contains("reconciliation holds");
        assertThat(r.err()).contains("billed 3 lines for 2 customers");
    }

    @Test
    void theFocusFileNamesEachSubAccountAsTheProviderDoes() throws Exception {
        // the public FOCUS sample names its sub accounts (SubAccountName): the re-billed FOCUS file keeps the name
        Path config = Files.writeString(dir.resolve("msp.yaml"), """
                msp: {name: Cloudy MSP, currency: USD}
                customers:
                  - {id: atlas, name: Atlas, contact_email: billing@atlas.example, accounts: ['51738928782']}
                workflows:
                  - {id: at-cost, title: At cost, rules: []}
                assignments:
                  - {customer: atlas, workflow: at-cost, from: 2024-09}
                """);
        Path out = dir.resolve("out");
        CliRunner.Run r = rebill("bill", "--config", config.toString(), "--period", "2024-09", "--out", out.toString(),
                io.rebill.TestData.shared("focus-1.0-sample/focus_sample.csv").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var s = c.createStatement();
             var rs = s.executeQuery("SELECT DISTINCT SubAccountId, SubAccountName FROM read_parquet('"
                     + out.resolve("line_items/atlas.parquet") + "') WHERE SubAccountId IS NOT NULL")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1) + " " + rs.getString(2)).isEqualTo("51738928782 Atlas Nimbus");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void aBadConfigNamesFileAndLine() throws Exception {
        Path config = Files.writeString(dir.resolve("msp.yaml"), CONFIG.replace("line.tags['customer']", "line.tagz['customer']"));
        CliRunner.Run r = rebill("bill", "--config", config.toString(), "--period", "2024-09", "--out", dir.resolve("o").toString(),
                cur().toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("msp.yaml:12:").contains("tagz");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void diffAndExplain() throws Exception {
        Path before = Files.writeString(dir.resolve("before.yaml"), CONFIG);
        Path after = Files.writeString(dir.resolve("after.yaml"), CONFIG.replace("percent: 3", "percent: 5"));
        rebill("ingest", "--quiet", "--source", "payer", cur().toString());
        CliRunner.Run diff = rebill("diff", "--config", before.toString(), "--config", after.toString(), "--period", "2024-09", "payer");
        assertThat(diff.exit()).as(diff.err()).isZero();
        // acme: 206 -> 210, tagged: 51.50 -> 52.50
        assertThat(diff.out()).contains("acme").contains("306.00").contains("310.00").contains("4.00");
        assertThat(diff.out()).contains("payer/part-00000-0").contains("206").contains("210");

        CliRunner.Run explain = rebill("explain", "--config", after.toString(), "--period", "2024-09", "--line", "payer/part-00000-0", "payer");
        assertThat(explain.exit()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("customer: acme").contains("uplift").contains("200 -> 210").contains("charge: 210");
    }
}
