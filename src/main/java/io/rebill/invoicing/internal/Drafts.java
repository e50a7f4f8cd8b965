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
import java.sql.Types;
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
     * Returns how many drafts now stand for the period. {@code corrections} are the correction lines each customer
     * account carries into this period (a customer with corrections and no usage gets a draft of corrections).
     */
    public int write(UUID msp, UUID run, BillingPeriod period, String currency, BillResult result,
                     Function<String, Optional<UUID>> accountOfKey, Map<UUID, List<Invoice.Line>> corrections) {
        Map<UUID, UUID> drafts = invoices.drafts(msp, period);
        Set<UUID> issued = invoices.issuedCustomers(msp, period);
        Map<UUID, UUID> kept = new HashMap<>();
        for (CustomerBill bill : result.customers()) {
            Optional<UUID> account = accountOfKey.apply(bill.customerId());
            insertCustomer(msp, run, bill, account);
            if (account.isPresent() && !issued.contains(account.get())) {
                draft(msp, run, period, account.get(), bill.currency(), Optional.of(bill),
                        corrections.getOrDefault(account.get(), List.of()), drafts, kept);
            }
        }
        corrections.forEach((account, lines) -> {
            if (!kept.containsKey(account) && !issued.contains(account)) {
                draft(msp, run, period, account, currency, Optional.empty(), lines, drafts, kept);
            }
        });
        drafts.forEach((customer, id) -> {
            if (!kept.containsKey(customer)) {
                invoices.deleteDraft(msp, id);
            }
        });
        return kept.size();
    }

    private void draft(UUID msp, UUID run, BillingPeriod period, UUID account, String currency,
                       Optional<CustomerBill> bill, List<Invoice.Line> corrections, Map<UUID, UUID> drafts,
                       Map<UUID, UUID> kept) {
        Optional<BigDecimal> taxRate = details.find(msp, account).flatMap(BillingDetails::taxRate);
        List<Invoice.Line> lines = bill.map(b -> lines(b, taxRate, corrections))
                .orElseGet(() -> lines(List.of(), currency, taxRate, corrections));
        UUID id = drafts.get(account);
        if (id == null) {
            id = invoices.insertDraft(msp, account, period, run, currency, taxRate);
        } else {
            invoices.refreshDraft(msp, id, run, currency, taxRate);
        }
        invoices.replaceLines(msp, id, lines);
        kept.put(account, id);
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

    private void insertCustomer(UUID msp, UUID run, CustomerBill bill, Optional<UUID> account) {
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
        jdbc.sql(SQL.get("insert-run-customer")).param("run", run).param("msp", msp).param("key", bill.customerId())
                .param("account", account.orElse(null), Types.OTHER).param("name", bill.name())
                .param("workflow", bill.workflowId().orElse(null), Types.VARCHAR).param("currency", bill.currency())
                .param("cost", bill.cost()).param("charge", bill.charge()).param("lineCount", bill.lineCount())
                .param("lines", JSON.writeValueAsString(lines)).update();
    }
}
