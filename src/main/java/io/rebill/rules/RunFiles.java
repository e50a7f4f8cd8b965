package io.rebill.rules;

import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Path;
import java.util.UUID;

/**
 * What a bill run of the application keeps in its folder, {@code REBILL_HOME/runs/<msp>/<period>/<run>/} (issue 12):
 * its re-billed lines (docs/billing.md), and the fine aggregates the cost reports read with DuckDB: the daily
 * aggregate ({@value #DAILY}: customer x day x kind x service x category x charge type x region x account) and the
 * tag aggregate ({@value #TAGS}: customer x day x kind x service x tag key x value). Both are Parquet ordered by
 * customer (its id in the configuration, {@code customer_key}), so a customer's read touches only its row groups.
 * The folder of a period's latest successful run is the one readers use; a newer run's success removes the others.
 */
public final class RunFiles {
    /** The daily aggregate: one row per customer, day, kind, service, category, charge type, region and account. */
    public static final String DAILY = "daily.parquet";
    /** The tag aggregate: one row per customer, day, kind, service and value of each tag key and virtual tag. */
    public static final String TAGS = "tags.parquet";

    private RunFiles() {
    }

    /** The run's folder under the data folder {@code home}. */
    public static Path folder(Path home, UUID msp, BillingPeriod period, UUID run) {
        return home.resolve("runs").resolve(msp.toString()).resolve(period.toString()).resolve(run.toString());
    }
}
