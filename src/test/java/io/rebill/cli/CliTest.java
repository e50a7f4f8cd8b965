package io.rebill.cli;

import io.rebill.ingestion.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;

/** The commands as a user types them: output, errors and exit codes. */
class CliTest {
    @TempDir
    Path dir;

    private CliRunner.Run rebill(String... args) {
        return new CliRunner(dir.resolve("home")).rebill(args);
    }

    private Path cur() {
        return TestFiles.curCsv(List.of(aLineItem().account("111111111111").cost("2.5").list("3", "3"),
                aLineItem().account("222222222222").type("Tax").cost("0.25").list("0", "0")), dir.resolve("cur.csv"));
    }

    @Test
    void ingestThenCostsAsTableCsvAndJson() {
        CliRunner.Run ingest = rebill("ingest", "--source", "payer-1", cur().toString());
        assertThat(ingest.exit()).isZero();
        assertThat(ingest.out()).contains("ingested 2 lines").contains("2024-09").contains("status STABLE");
        assertThat(ingest.err()).contains("[done 1/1] cur.csv");
        // the file's last read line says it is read whole, with its rows (it said 0 % before session 17)
        List<String> readWithRows = ingest.err().lines().filter(l -> l.startsWith("[read 1/1]") && l.contains(" rows ")).toList();
        assertThat(readWithRows).isNotEmpty().allMatch(l -> l.startsWith("[read 1/1] cur.csv 100%  "), "at 100 %");

        CliRunner.Run table = rebill("costs", "--source", "payer-1", "--period", "2024-09", "--group-by", "sub_account_id,x_charge_type",
                "--basis", "billed");
        assertThat(table.exit()).isZero();
        assertThat(table.out()).isEqualTo("""
                sub_account_id  x_charge_type  billed_cost (USD)  line_count
                --------------  -------------  -----------------  ----------
                111111111111    Usage                       2.50           1
                222222222222    Tax                         0.25           1
                TOTAL                                       2.75           2
                """);

        CliRunner.Run csv = rebill("costs", "--source", "payer-1", "--period", "2024-09", "--group-by", "charge_category",
                "--format", "csv", "--basis", "list");
        assertThat(csv.out()).isEqualTo("charge_category,list_cost,line_count\nUsage,3.00,1\nTax,0.00,1\n");

        CliRunner.Run json = rebill("costs", "--source", "payer-1", "--period", "2024-09", "--format", "json");
        assertThat(json.out()).contains("\"total\" : 2.75").contains("\"basis\" : \"effective\"");
    }

    @Test
    void tablesShowAmountsRoundedToCentsWithSeparatorsWhileCsvAndJsonStayExact() {
        Path cur = TestFiles.curCsv(List.of(aLineItem().account("111111111111").cost("1234567.891234567891").list("2000000", "2000000")),
                dir.resolve("big.csv"));
        assertThat(rebill("ingest", "--quiet", "--source", "payer-1", cur.toString()).exit()).isZero();

        String sources = rebill("sources").out();
        assertThat(sources).contains("1,234,567.89").contains("2,000,000.00").doesNotContain("1234567.89");
        String table = rebill("costs", "--source", "payer-1", "--period", "2024-09", "--basis", "billed").out();
        assertThat(table).contains("1,234,567.89").doesNotContain("1234567.89");
        String csv = rebill("costs", "--source", "payer-1", "--period", "2024-09", "--basis", "billed", "--format", "csv").out();
        assertThat(csv).isEqualTo("billed_cost,line_count\n1234567.891234567891,1\n");
    }

    @Test
    void aTableOfSeveralCurrenciesNamesNone() {
        Path cur = TestFiles.curCsv(List.of(aLineItem().account("111111111111").cost("10"),
                aLineItem().account("222222222222").currency("EUR").cost("20")), dir.resolve("two.csv"));
        assertThat(rebill("ingest", "--quiet", "--source", "payer-1", cur.toString()).exit()).isZero();
        String table = rebill("costs", "--source", "payer-1", "--period", "2024-09", "--group-by", "billing_currency",
                "--basis", "billed").out();
        assertThat(table).startsWith("billing_currency  billed_cost  line_count\n").contains("EUR").contains("USD");
    }

    @Test
    void reconcileReportsAndSourcesListsStatus() {
        rebill("ingest", "--quiet", "--source", "payer-1", cur().toString());
        CliRunner.Run ok = rebill("reconcile", "--source", "payer-1");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("reconciliation holds").contains("2024-09  billed").doesNotContain(" NO");
        assertThat(rebill("sources").out()).contains("payer-1").contains("STABLE").contains("2024-09");
    }

    @Test
    void badInputExitsWithTwoAndNamesTheFile() throws IOException {
        Path bad = Files.writeString(dir.resolve("notes.csv"), "a,b\n1,2\n");
        CliRunner.Run r = rebill("ingest", "--source", "payer-1", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error [UNKNOWN_FORMAT]").contains("notes.csv: line 1");
        assertThat(rebill("sources").out()).contains("ERROR");
    }

    @Test
    void aConfiguredSourceReadsItsFolder() {
        Path folder = dir.resolve("payer-folder");
        TestFiles.curCsv(List.of(aLineItem().cost("4.75")), folder.resolve("2024-09/cur-00001.csv"));
        CliRunner.Run add = rebill("source", "add", "payer-9", "--folder", folder.toString());
        assertThat(add.exit()).isZero();
        assertThat(add.out()).contains("source payer-9 reads " + folder);
        CliRunner.Run ingest = rebill("ingest", "--quiet", "--source", "payer-9");
        assertThat(ingest.exit()).isZero();
        assertThat(ingest.out()).contains("ingested 1 lines");
        assertThat(rebill("ingest", "--quiet", "--source", "payer-9").out()).contains("unchanged");
        CliRunner.Run none = rebill("ingest", "--source", "payer-10");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("has no folder configured");
    }

    @Test
    void unknownSourceExitsWithFour() {
        CliRunner.Run r = rebill("reconcile", "--source", "nobody");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).contains("no source named 'nobody'");
    }
}
