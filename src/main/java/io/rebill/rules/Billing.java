package io.rebill.rules;

import io.rebill.rules.internal.BillOutputs;
import io.rebill.rules.internal.BillingRun;
import io.rebill.rules.internal.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The billing feature's facade: bill a period, write the bill's files, explain a line. */
public final class Billing {
    private final RebillSettings settings;
    private final PredicateCompiler predicates;

    public Billing(RebillSettings settings, PredicateCompiler predicates) {
        this.settings = settings;
        this.predicates = predicates;
    }

    /** Bills the period over the given canonical line item files; writes the bill's files when {@code out} is given. */
    public BillResult bill(MspConfig config, BillingPeriod period, List<Path> lineItems, Optional<Path> out,
                           Consumer<String> progress) {
        try (Connection duck = DuckDb.open(settings)) {
            BillResult result = new BillingRun(duck, config, period, lineItems, predicates, progress).run();
            out.ifPresent(dir -> new BillOutputs(duck, config.mspName()).write(result, dir, progress));
            return result;
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
    }
}
