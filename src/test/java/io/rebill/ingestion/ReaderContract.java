package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every reader fulfils, whatever the provider (CUR, FOCUS, Azure, Google Cloud): a period's sums are
 * the exact sum of its lines' costs; a bad value is refused naming file, line and column and leaves what was stored
 * as it was; a restated period replaces the old one whole. Each reader's test class says how to write its file.
 */
abstract class ReaderContract {
    static final BillingPeriod SEPT = BillingPeriod.parse("2024-09");
    static final BillingPeriod OCT = BillingPeriod.parse("2024-10");

    @TempDir
    Path dir;
    Ingestion ingestion;
    RebillSettings settings;

    @BeforeEach
    void setUp() {
        settings = RebillSettings.at(dir.resolve("home"));
        ingestion = new Ingestion(settings);
    }

    /** Writes the lines in this format and returns the file. */
    abstract Path write(List<LineItemFixture> lines, Path folder);

    /** The header name of the column that holds a line's billed cost in this format. */
    abstract String costColumn();

    /** Where a bad value on the third data line is named ("line 4" in a CSV file), or null if the format cannot hold one. */
    String thirdLine() {
        return "line 4";
    }

    static List<LineItemFixture> usageLines(String... costs) {
        return java.util.Arrays.stream(costs).map(c -> aLineItem().cost(c)).toList();
    }

    private static BigDecimal sum(String... costs) {
        return java.util.Arrays.stream(costs).map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void aPeriodsSumsAreTheExactSumOfItsLines() {
        String[] costs = {"0.0960000001", "1234.567890123456", "0.000000000001", "-0.5", "7"};
        List<LineItemFixture> lines = new java.util.ArrayList<>(usageLines(costs));
        lines.add(aLineItem().account("333344445555").cost("3.3").list("3.3", "3.3")
                .usage("2024-10-02T00:00:00Z", "2024-10-02T01:00:00Z").period("2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z"));
        IngestResult result = ingestion.ingest("src", List.of(write(lines, dir.resolve("in"))), ProgressListener.silent());

        assertThat(result.reconciliation().holds()).isTrue();
        StoredPeriod sept = ingestion.source("src").period(SEPT).orElseThrow();
        assertThat(plain(sept.sums().billed())).isEqualTo(plain(sum(costs))).isEqualTo("1241.163890123557");
        assertThat(sept.sums().lineCount()).isEqualTo(5);
        assertThat(plain(ingestion.source("src").period(OCT).orElseThrow().sums().billed())).isEqualTo("3.3");
        assertThat(ingestion.reconcile("src", Optional.empty()).holds()).isTrue();
    }

    @Test
    void aBadValueIsNamedByFileLineAndColumnAndNothingStoredChanges() {
        String place = thirdLine();
        assumeTrue(place != null, "this format's cost column is typed: it cannot hold a value that is not a number");
        ingestion.ingest("src", List.of(write(usageLines("10.5", "0.25"), dir.resolve("good"))), ProgressListener.silent());
        SourceState good = ingestion.source("src");

        Path bad = write(usageLines("1.0", "2.0", "12,5x"), dir.resolve("bad"));
        assertThatThrownBy(() -> ingestion.ingest("src", List.of(bad), ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .satisfies(e -> {
                    assertThat(((RebillException) e).code()).isEqualTo(ErrorCode.BAD_VALUE);
                    assertThat(e.getMessage()).contains(bad.getFileName().toString()).contains(place)
                            .contains("column " + costColumn()).contains("'12,5x'");
                });
        SourceState after = ingestion.source("src");
        assertThat(after.status()).isEqualTo(SourceStatus.ERROR);
        assertThat(after.periods()).isEqualTo(good.periods());
        assertThat(plain(after.period(SEPT).orElseThrow().sums().billed())).isEqualTo("10.75");
    }

    @Test
    void aRestatedPeriodReplacesTheOldOneWhole() {
        List<LineItemFixture> october = List.of(aLineItem().cost("5").list("5", "5")
                .usage("2024-10-02T00:00:00Z", "2024-10-02T01:00:00Z").period("2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z"));
        ingestion.ingest("src", List.of(write(october, dir.resolve("oct"))), ProgressListener.silent());
        ingestion.ingest("src", List.of(write(usageLines("1.1", "2.2"), dir.resolve("v1"))), ProgressListener.silent());
        ingestion.ingest("src", List.of(write(usageLines("1.1", "2.2", "0.0000000000005"), dir.resolve("v2"))),
                ProgressListener.silent());

        StoredPeriod sept = ingestion.source("src").period(SEPT).orElseThrow();
        assertThat(plain(sept.sums().billed())).isEqualTo("3.3000000000005");
        assertThat(sept.sums().lineCount()).isEqualTo(3);
        assertThat(Stored.rows(ingestion, "src", SEPT, "billed_cost")).hasSize(3);
        // a period the restatement does not name is kept as it was
        assertThat(plain(ingestion.source("src").period(OCT).orElseThrow().sums().billed())).isEqualTo("5");
        assertThat(ingestion.source("src").status()).isEqualTo(SourceStatus.STABLE);
    }
}
