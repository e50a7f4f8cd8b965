package io.rebill.invoicing;

import io.rebill.invoicing.internal.InvoiceLines;
import io.rebill.invoicing.internal.Reconciliation;
import io.rebill.rules.BillAssembler;
import io.rebill.rules.BillResult;
import io.rebill.rules.Billing;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.RatedPeriod;
import io.rebill.shared.config.RebillSettings;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The invoicing feature's assembly of a bill from what the billing engine rated (spec §4): each customer's invoice
 * lines and totals ({@link InvoiceLines}), then the unassigned lines, the double claims and the reconciliation
 * against the ingested totals. The engine ({@link Billing}) is given it, so that the application's bill runs, the
 * portal's previews and the offline {@code rebill bill} all assemble their invoices the same way.
 */
public final class InvoiceAssembly implements BillAssembler {

    /** The billing engine assembling its bills here: what every caller of {@link Billing} uses. */
    public static Billing billing(RebillSettings settings, PredicateCompiler predicates) {
        return new Billing(settings, predicates, new InvoiceAssembly());
    }

    @Override
    public BillResult assemble(RatedPeriod rated, Consumer<String> progress) throws SQLException {
        List<CustomerBill> bills = new InvoiceLines(rated).customerBills();
        progress.accept("reconciling with the ingested totals");
        Reconciliation reconciliation = new Reconciliation(rated);
        return new BillResult(rated.period(), bills, reconciliation.unassigned(), reconciliation.reconcile(),
                reconciliation.claimedTwice(), rated.lines(), Duration.between(rated.started(), Instant.now()),
                rated.warnings());
    }
}
