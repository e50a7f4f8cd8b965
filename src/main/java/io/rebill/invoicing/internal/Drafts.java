package io.rebill.invoicing.internal;

import io.rebill.invoicing.BillingDetails;
import io.rebill.invoicing.Invoice;
import io.rebill.rules.BillResult;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.InvoiceLine;
import io.rebill.shared.money.RoundingPolicy;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static io.rebill.invoicing.internal.RunStore.JSON;
import static io.rebill.invoicing.internal.RunStore.SQL;

/**
 * What a successful run leaves behind, written in the caller's transaction: the MSP's per-customer figures of the
 * run, and each customer's draft invoice for the period refreshed from it. A customer whose invoice for the period
 * is issued gets no draft (void it to bill again); a draft whose customer the run no longer bills is removed.
 */
public final class Drafts {
    private final JdbcClient jdbc;
    private final InvoiceStore invoices;
    private final DetailsStore details;

    public Drafts(JdbcClient jdbc, InvoiceStore invoices, DetailsStore details) {
        this.jdbc = jdbc;
        this.invoices = invoices;
        this.details = details;
    }

    /**
     * Returns how many drafts now stand. {@code corrections} are the correction lines each customer account carries
     * into this period (a customer with corrections and no usage gets a draft of corrections). A handful of
     * statements whatever the number of customers (issue 11 item 8: the drafts are what the MSP waits for): the
     * run's customers, the new drafts, the refreshed ones, their lines and the drafts no longer billed, each in one.
     */
    public int write(UUID msp, UUID run, BillingPeriod period, String currency, BillResult result,
                     Function<String, Optional<UUID>> accountOfKey, Map<UUID, List<Invoice.Line>> corrections) {
        Map<UUID, UUID> drafts = invoices.drafts(msp, period);
        Set<UUID> issued = invoices.issuedCustomers(msp, period);
        Map<UUID, BigDecimal> taxRates = details.taxRates(msp);
        Batch batch = new Batch(drafts);
        List<Map<String, Object>> customers = new ArrayList<>();
        for (CustomerBill bill : result.customers()) {
            Optional<UUID> account = accountOfKey.apply(bill.customerId());
            customers.add(customerRow(bill, account));
            if (account.isPresent() && !issued.contains(account.get())) {
                Optional<BigDecimal> taxRate = Optional.ofNullable(taxRates.get(account.get()));
                batch.draft(account.get(), bill.currency(), taxRate,
                        lines(bill, taxRate, corrections.getOrDefault(account.get(), List.of())));
            }
        }
        corrections.forEach((account, lines) -> {
            if (!batch.kept.containsKey(account) && !issued.contains(account)) {
                Optional<BigDecimal> taxRate = Optional.ofNullable(taxRates.get(account));
                batch.draft(account, currency, taxRate, lines(List.of(), currency, taxRate, lines));
            }
        });
        if (!customers.isEmpty()) {
            jdbc.sql(SQL.get("insert-run-customers")).param("run", run).param("msp", msp)
                    .param("rows", JSON.writeValueAsString(customers)).update();
        }
        invoices.writeDrafts(msp, period, run, batch.inserted, batch.refreshed, batch.lines);
        List<UUID> gone = drafts.entrySet().stream().filter(e -> !batch.kept.containsKey(e.getKey()))
                .map(Map.Entry::getValue).toList();
        invoices.deleteDrafts(msp, gone);
        return batch.kept.size();
    }

    /** The drafts a run writes: new ones, refreshed ones and every draft's lines, gathered for one statement each. */
    private static final class Batch {
        private final Map<UUID, UUID> existing;
        final Map<UUID, UUID> kept = new HashMap<>();
        final List<InvoiceStore.DraftRow> inserted = new ArrayList<>();
        final List<InvoiceStore.DraftRow> refreshed = new ArrayList<>();
        final Map<UUID, List<Invoice.Line>> lines = new LinkedHashMap<>();

        Batch(Map<UUID, UUID> existing) {
            this.existing = existing;
        }

        void draft(UUID account, String currency, Optional<BigDecimal> taxRate, List<Invoice.Line> draftLines) {
            UUID id = existing.get(account);
            if (id == null) {
                id = UUID.randomUUID();
                inserted.add(new InvoiceStore.DraftRow(id, account, currency, taxRate));
            } else {
                refreshed.add(new InvoiceStore.DraftRow(id, account, currency, taxRate));
            }
            lines.put(id, draftLines);
            kept.put(account, id);
        }
    }

    /**
     * The customer's lines (spec §4: by service, then each charge or credit, each rounded once half-up), the
     * corrections it carries, then the tax the MSP charges on their sum, itself rounded once.
     */
    static List<Invoice.Line> lines(CustomerBill bill, Optional<BigDecimal> taxRate, List<Invoice.Line> corrections) {
        return lines(bill.invoice(), bill.currency(), taxRate, corrections);
    }

    private static List<Invoice.Line> lines(List<InvoiceLine> billed, String currency, Optional<BigDecimal> taxRate,
                                            List<Invoice.Line> corrections) {
        List<Invoice.Line> lines = new ArrayList<>();
        BigDecimal subtotal = BigDecimal.ZERO;
        for (InvoiceLine l : billed) {
            Invoice.LineKind kind = switch (l.kind()) {
                case SERVICE -> Invoice.LineKind.SERVICE;
                case CHARGE -> Invoice.LineKind.CHARGE;
                case CREDIT -> Invoice.LineKind.CREDIT;
            };
            lines.add(new Invoice.Line(kind, l.service(), Optional.ofNullable(l.category()), l.exact(), l.amount()));
            subtotal = subtotal.add(l.amount());
        }
        for (Invoice.Line c : corrections) {
            lines.add(c);
            subtotal = subtotal.add(c.amount());
        }
        if (taxRate.isPresent() && taxRate.get().signum() > 0) {
            BigDecimal exact = subtotal.multiply(taxRate.get(), MathContext.UNLIMITED).movePointLeft(2);
            lines.add(new Invoice.Line(Invoice.LineKind.TAX, "Tax " + taxRate.get().toPlainString() + " %",
                    Optional.empty(), exact, RoundingPolicy.invoiceLine(exact, currency)));
        }
        return lines;
    }

    private static Map<String, Object> customerRow(CustomerBill bill, Optional<UUID> account) {
        List<Map<String, Object>> lines = bill.invoice().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", l.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("service", l.service());
            m.put("category", l.category());
            m.put("sub_category", l.subCategory());
            m.put("exact", l.exact().toPlainString());
            m.put("amount", l.amount().toPlainString());
            return m;
        }).toList();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", bill.customerId());
        row.put("account", account.map(UUID::toString).orElse(null));
        row.put("name", bill.name());
        row.put("workflow", bill.workflowId().orElse(null));
        row.put("currency", bill.currency());
        row.put("cost", bill.cost().toPlainString());
        row.put("charge", bill.charge().toPlainString());
        row.put("line_count", bill.lineCount());
        row.put("lines", lines);
        return row;
    }
}
