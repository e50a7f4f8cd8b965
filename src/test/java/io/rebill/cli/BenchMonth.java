package io.rebill.cli;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.ingestion.Ingestion;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.EnumSet;
import java.util.List;

/**
 * A small month of the benchmark's kind for the tests of the bill: generated (CUR 2.0 Parquet, the benchmark's payer,
 * October 2026) under {@code dir/data}, ingested as source {@code bench} into {@code dir/home}, with its stored files
 * and its accounts (for {@link BenchWorkflow#config}).
 */
record BenchMonth(RebillSettings settings, List<Path> stored, List<DemoAccount> accounts) {
    static final BillingPeriod PERIOD = BillingPeriod.parse("2026-10");

    static BenchMonth ingested(Path dir, long seed, long rows, int linkedAccounts, int customers) throws Exception {
        RebillSettings settings = new RebillSettings(dir.resolve("home"), "512MB", 2);
        GeneratedFiles generated = new BillingDataGenerator().generate(new GeneratorSpec(seed, rows, linkedAccounts,
                customers, List.of(YearMonth.of(2026, 10)), BenchWorkflow.PAYER, rows), dir.resolve("data"),
                EnumSet.of(Format.CUR_PARQUET), settings);
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("bench", generated.of(Format.CUR_PARQUET).stream().map(f -> f.path()).toList(), p -> { });
        return new BenchMonth(settings, ingestion.lineItemFiles("bench", PERIOD), generated.accounts());
    }
}
