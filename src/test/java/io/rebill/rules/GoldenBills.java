package io.rebill.rules;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Runs a configuration over fixture lines, the way `rebill bill` does, for golden scenario tests. */
final class GoldenBills {
    static final BillingPeriod SEPT = BillingPeriod.parse("2024-09");

    private GoldenBills() {
    }

    static BillResult bill(Path dir, MspConfig config, PredicateCompiler predicates, List<LineItemFixture> lines,
                           Optional<Path> out) {
        return bill(dir, config, predicates, lines, out, Format.CUR);
    }

    /** The provider file format the fixture lines are written in before they are ingested. */
    enum Format {
        CUR, CUR_ATHENA_PARQUET, FOCUS;

        Path write(List<LineItemFixture> lines, Path dir, RebillSettings settings) {
            return switch (this) {
                case CUR -> TestFiles.curCsv(lines, dir.resolve("cur.csv"));
                case CUR_ATHENA_PARQUET -> TestFiles.curAthenaParquet(lines, dir.resolve("athena-00001.snappy.parquet"), settings);
                case FOCUS -> TestFiles.focusCsv(lines, dir.resolve("focus.csv"));
            };
        }
    }

    static BillResult bill(Path dir, MspConfig config, PredicateCompiler predicates, List<LineItemFixture> lines,
                           Optional<Path> out, Format format) {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(format.write(lines, dir, settings)), ProgressListener.silent());
        return InvoiceAssembly.billing(settings, predicates).bill(config, SEPT, ingestion.lineItemFiles("payer", SEPT), out, m -> { });
    }

    static Scope scope() {
        return Scope.EVERYTHING;
    }

    static Scope chargeTypes(String... types) {
        return new Scope(List.of(), List.of(), List.of(types), List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    static CustomerBill customer(BillResult r, String id) {
        return r.customers().stream().filter(c -> c.customerId().equals(id)).findFirst().orElseThrow();
    }
}
