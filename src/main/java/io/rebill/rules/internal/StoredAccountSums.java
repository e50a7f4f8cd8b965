package io.rebill.rules.internal;

import io.rebill.ingestion.AccountSums;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored files' account sums (ingestion's {@link AccountSums}) in a bill of summed lines: the period's line counts,
 * billed cost and ingested totals per payer, account and currency, read from a few rows written at ingest instead of
 * counting every line and summing its billed cost (docs/billing.md). {@link BillingRun} decides when they serve.
 */
final class StoredAccountSums {
    /** The temp table of the period's account sums: per billing account, usage account and currency. */
    static final String TABLE = "rb_account_sums";
    private static final String MONEY = WorkflowCompiler.MONEY;

    private final List<Path> sums;

    private StoredAccountSums(List<Path> sums) {
        this.sums = List.copyOf(sums);
    }

    /** The sums beside every one of {@code files}; empty when any file has none (stored before they were written). */
    static Optional<StoredAccountSums> beside(List<Path> files) {
        return AccountSums.beside(files).map(StoredAccountSums::new);
    }

    /**
     * Reads the period's sums into {@link #TABLE} (lines and the three cost sums), each file's sums at the canonical
     * money scale, so that files stored at different scales add up exactly.
     */
    void read(RunStatements sql, BillingPeriod period) throws SQLException {
        List<String> reads = new ArrayList<>();
        for (Path f : sums) {
            reads.add("SELECT billing_period, billing_account_id, sub_account_id, billing_currency, lines,"
                    + " CAST(billed_cost AS " + MONEY + ") AS billed_cost, CAST(effective_cost AS " + MONEY + ") AS effective_cost,"
                    + " CAST(list_cost AS " + MONEY + ") AS list_cost FROM read_parquet('" + DuckDb.literal(f.toString()) + "')");
        }
        sql.execute("CREATE OR REPLACE TEMP TABLE " + TABLE + " AS SELECT billing_account_id, sub_account_id,"
                + " billing_currency, CAST(sum(lines) AS BIGINT) AS lines, sum(billed_cost) AS billed_cost,"
                + " sum(effective_cost) AS effective_cost, sum(list_cost) AS list_cost FROM (" + String.join(" UNION ALL ", reads)
                + ") WHERE billing_period = ? GROUP BY ALL", List.of(period.toString()));
    }

    /**
     * What follows the bill's groups of lines (which carry no line count or billed cost, RunChain#readingAccountSums)
     * in {@code bill_groups}: each account's line count and billed cost as a row of its own, excluded, with no
     * service, cost or charge, claimed as the chain claims the account's lines (its owner in {@code rb_accounts}).
     * Every reader sums them per account or customer (RatedPeriod).
     */
    static String groupRows() {
        return "UNION ALL BY NAME SELECT a.customer_id, s.billing_account_id, s.sub_account_id, CAST(NULL AS VARCHAR) AS"
                + " service_name, s.billing_currency, TRUE AS excluded, s.lines, CAST(0 AS " + MONEY + ") AS cost, CAST(0 AS "
                + MONEY + ") AS charge, s.billed_cost, CAST(0 AS " + MONEY + ") AS effective_cost, CAST(0 AS " + MONEY
                + ") AS list_cost FROM " + TABLE + " s LEFT JOIN rb_accounts a ON a.account_id = s.sub_account_id";
    }
}
