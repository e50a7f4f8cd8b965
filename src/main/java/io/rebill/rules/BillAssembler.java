package io.rebill.rules;

import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Turns a rated period into its bill: the customers' invoices, the unassigned lines and the reconciliation (spec §4).
 * The billing engine rates; assembling the invoices is the invoicing feature's ({@code io.rebill.invoicing
 * .InvoiceAssembly}), handed to {@link Billing} so the engine never depends on it.
 */
@FunctionalInterface
public interface BillAssembler {
    /** Reads the run's sums in {@code rated.duck()} (see {@link RatedPeriod}); called inside the run, once. */
    BillResult assemble(RatedPeriod rated, Consumer<String> progress) throws SQLException;
}
