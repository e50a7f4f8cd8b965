package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Usage timestamps are stored in UTC whatever ISO 8601 form the file writes them in: with Z (the common case, read
 * by a plain cast), with an offset (converted), without one (UTC), with fractions of a second.
 */
class TimestampFormsTest {
    static final BillingPeriod P = BillingPeriod.parse("2024-09");

    @TempDir
    Path dir;

    @Test
    void everyIsoFormIsStoredInUtc() {
        Ingestion ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
        Path csv = FormatWriters.curLegacyCsv(List.of(
                aLineItem().cost("1").usage("2024-09-03T10:00:00Z", "2024-09-03T11:00:00Z"),
                aLineItem().cost("2").usage("2024-09-03T12:00:00+02:00", "2024-09-03T13:00:00+02:00"),
                aLineItem().cost("3").usage("2024-09-03T05:00:00-05:00", "2024-09-03T06:00:00-0500"),
                aLineItem().cost("4").usage("2024-09-03T10:00:00", "2024-09-03 11:00:00.000"),
                aLineItem().cost("5").usage("2024-09-03T10:00:00.250Z", "2024-09-03T11:00:00.250Z"),
                aLineItem().cost("6").usage("2024-09-03Z", "2024-09-04Z")), dir.resolve("a.csv"), false);
        ingestion.ingest("payer-1", List.of(csv), ProgressListener.silent());

        assertThat(Stored.rows(ingestion, "payer-1", P, "billed_cost")).extracting(
                        r -> r.get("billed_cost") + " " + r.get("charge_period_start") + " " + r.get("charge_period_end"))
                .containsExactly(
                        "1 2024-09-03 10:00:00.0 2024-09-03 11:00:00.0",
                        "2 2024-09-03 10:00:00.0 2024-09-03 11:00:00.0",
                        "3 2024-09-03 10:00:00.0 2024-09-03 11:00:00.0",
                        "4 2024-09-03 10:00:00.0 2024-09-03 11:00:00.0",
                        "5 2024-09-03 10:00:00.25 2024-09-03 11:00:00.25",
                        "6 2024-09-03 00:00:00.0 2024-09-04 00:00:00.0");
    }

    @Test
    void aZWithAnOffsetOrAnImpossibleTimeIsRejectedNamingTheValue() {
        Ingestion ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
        for (String bad : List.of("2024-09-03T12:00:00+02:00Z", "2024-09-03T30:00:00Z")) {
            Path csv = FormatWriters.curLegacyCsv(List.of(aLineItem().usage(bad, "2024-09-03T11:00:00Z")),
                    dir.resolve("bad.csv"), false);
            assertThatThrownBy(() -> ingestion.ingest("payer-1", List.of(csv), ProgressListener.silent()))
                    .isInstanceOf(RebillException.class)
                    .hasMessageContaining("lineItem/UsageStartDate")
                    .hasMessageContaining(bad);
        }
    }
}
