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

    /** Returns how many drafts now stand for the period. */
    public int write(UUID msp, UUID run, BillingPeriod period, BillResult result,
                     Function<String, Optional<UUID>> accountOfKey) {
        Map<UUID, UUID> drafts = invoices.drafts(msp, period);
        Set<UUID> issued = invoices.issuedCustomers(msp, period);
        Map<UUID, UUID> kept = new HashMap<>();
        for (CustomerBill bill : result.customers()) {
            Optional<UUID> account = accountOfKey.apply(bill.customerId());
            insertCustomer(msp, run, bill, account);
            if (account.isEmpty() || issued.contains(account.get())) {
                continue;
            }
            Optional<BigDecimal> taxRate = details.find(msp, account.get()).flatMap(BillingDetails::taxRate);
            List<Invoice.Line> lines = lines(bill, taxRate);
            UUID id = drafts.get(account.get());
            if (id == null) {
                id = invoices.insertDraft(msp, account.get(), period, run, bill.currency(), taxRate);
            } else {
                invoices.refreshDraft(msp, id, run, bill.currency(), taxRate);
            }
            invoices.replaceLines(id, lines);
            kept.put(account.get(), id);
        }
        drafts.forEach((customer, id) -> {
            if (!kept.containsKey(customer)) {
                invoices.deleteDraft(msp, id);
            }
        });
        return kept.size();
    }

    /**
     * The customer's lines (spec §4: by service, then each charge or credit, each rounded once half-up), then the
     * tax the MSP charges on their sum, itself rounded once.
     */
    static List<Invoice.Line> lines(CustomerBill bill, Optional<BigDecimal> taxRate) {
        List<Invoice.Line> lines = new ArrayList<>();
        BigDecimal subtotal = BigDecimal.ZERO;
        for (InvoiceLine l : bill.invoice()) {
            Invoice.LineKind kind = switch (l.kind()) {
                case SERVICE -> Invoice.LineKind.SERVICE;
                case CHARGE -> Invoice.LineKind.CHARGE;
                case CREDIT -> Invoice.LineKind.CREDIT;
            };
            lines.add(new Invoice.Line(kind, l.service(), Optional.ofNullable(l.category()), l.exact(), l.amount()));
            subtotal = subtotal.add(l.amount());
        }
        if (taxRate.isPresent() && taxRate.get().signum() > 0) {
            BigDecimal exact = subtotal.multiply(taxRate.get(), MathContext.UNLIMITED).movePointLeft(2);
            lines.add(new Invoice.Line(Invoice.LineKind.TAX, "Tax " + taxRate.get().toPlainString() + " %",
                    Optional.empty(), exact, RoundingPolicy.invoiceLine(exact, bill.currency())));
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
