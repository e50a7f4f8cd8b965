package io.rebill.cli;

import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.BillResult;
import io.rebill.rules.Billing;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `rebill bill` opens its database while it reads its inputs ({@link Billing#openingScratchAhead}): the bill that takes
 * that database is the bill without it, a later bill opens its own, both close what they opened, and a database that
 * cannot be opened fails the bill with the error the bill gives when it opens its database itself.
 */
class ScratchAheadTest {
    static final BillingPeriod PERIOD = BenchMonth.PERIOD;

    @TempDir
    Path dir;

    @Test
    void aBillOnTheDatabaseOpenedAheadIsTheBillWithoutItAndLeavesNothingOpen() throws Exception {
        BenchMonth month = BenchMonth.ingested(dir, 11, 30_000, 20, 5);
        RebillSettings settings = month.settings();
        List<Path> stored = month.stored();
        MspConfig config = BenchWorkflow.config(month.accounts(), PERIOD);

        BillResult plain = InvoiceAssembly.billing(settings, PredicateCompiler.cel())
                .bill(config, PERIOD, stored, Optional.empty(), m -> { });
        Billing ahead = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).openingScratchAhead();
        BillResult first = ahead.bill(config, PERIOD, stored, Optional.empty(), m -> { });
        BillResult second = ahead.bill(config, PERIOD, stored, Optional.empty(), m -> { });

        assertThat(plain.customers()).hasSize(5).allSatisfy(c -> assertThat(c.lineCount()).isPositive());
        assertThat(plain.reconciles()).isTrue();
        for (BillResult r : List.of(first, second)) {
            assertThat(r.customers()).hasSameSizeAs(plain.customers());
            for (int i = 0; i < plain.customers().size(); i++) {
                CustomerBill p = plain.customers().get(i);
                CustomerBill c = r.customers().get(i);
                assertThat(c.customerId()).isEqualTo(p.customerId());
                assertThat(c.cost().toPlainString()).isEqualTo(p.cost().toPlainString());
                assertThat(c.charge().toPlainString()).isEqualTo(p.charge().toPlainString());
                assertThat(c.invoiceTotal().toPlainString()).isEqualTo(p.invoiceTotal().toPlainString());
                assertThat(c.invoice()).isEqualTo(p.invoice());
            }
            assertThat(r.reconciles()).isTrue();
        }
        // each bill closed its database: no spill folder (the scratch database's) is left under tmp/
        try (Stream<Path> left = Files.list(settings.tempDir())) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("duckdb-")).toList()).isEmpty();
        }

        // a temp folder that cannot be made: the database opened ahead fails, and the bill says so as without it
        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked);
        Files.writeString(blocked.resolve("tmp"), "a file where the temp folder should be");
        RebillSettings broken = new RebillSettings(blocked, "512MB", 2);
        String without = messageOf(() -> InvoiceAssembly.billing(broken, PredicateCompiler.cel())
                .bill(config, PERIOD, stored, Optional.empty(), m -> { }));
        assertThat(without).contains("cannot open DuckDB under " + broken.tempDir());
        String withAhead = messageOf(() -> InvoiceAssembly.billing(broken, PredicateCompiler.cel()).openingScratchAhead()
                .bill(config, PERIOD, stored, Optional.empty(), m -> { }));
        // the same words; only the spill folder's random name differs between the two tries
        assertThat(withAhead.replaceAll("duckdb-[0-9a-f-]+", "duckdb-ID")).isEqualTo(without.replaceAll("duckdb-[0-9a-f-]+", "duckdb-ID"));
    }

    private static String messageOf(Runnable bill) {
        try {
            bill.run();
        } catch (RebillException e) {
            return e.getMessage();
        }
        throw new AssertionError("the bill did not fail");
    }
}
