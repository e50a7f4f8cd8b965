package io.rebill.web.billing;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.invoicing.BillingDetails;
import io.rebill.invoicing.Invoice;
import io.rebill.invoicing.InvoiceFilter;
import io.rebill.invoicing.InvoiceStatus;
import io.rebill.invoicing.Invoices;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.web.Amounts;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Invoices as pages: the list with filters (period, status, customer) and one invoice with its lines and the
 * actions its state allows (issue, void, send, PDF and CSV). A customer account sees its own issued and void ones.
 * The billing details of the MSP and of each customer account have a page of their own.
 */
@Controller
class InvoicesPage {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    private static final int PAGE = 100;

    private final Invoices invoices;
    private final io.rebill.invoicing.BillRuns runs;
    private final RenderedRows rendered;

    InvoicesPage(Invoices invoices, io.rebill.invoicing.BillRuns runs, RenderedRows rendered) {
        this.invoices = invoices;
        this.runs = runs;
        this.rendered = rendered;
    }

    record Row(String id, String customer, String period, String status, String statusLabel, String number,
               String issued, String due, String total) {
        static Row of(Invoice i) {
            return new Row(i.id().toString(), i.customerName(), BillingPage.label(i.period()), i.status().dbName(),
                    i.status().label(), i.number().orElse(i.status().label()), i.issueDate().map(DATE::format).orElse("—"),
                    i.dueDate().map(DATE::format).orElse("—"), money(i.total().amount(), i.currency()));
        }
    }

    record LineRow(String kind, String description, String category, String amount, String exact) {
    }

    @GetMapping("/invoices")
    String list(Actor actor, @RequestParam Optional<String> period, @RequestParam Optional<String> status,
                @RequestParam Optional<String> customer, @RequestParam(defaultValue = "0") int offset, Model model) {
        Optional<BillingPeriod> p = period.filter(s -> !s.isBlank()).map(BillingPeriod::parse);
        Optional<InvoiceStatus> st = status.filter(s -> !s.isBlank()).map(InvoicesApi::status);
        Optional<String> who = customer.filter(s -> !s.isBlank());
        // the filters, the customer's name included, are the query's: every matching invoice, a page at a time
        Page<Invoice> page = invoices.list(actor, new InvoiceFilter(p, st, Optional.empty(), who),
                new PageRequest(Math.max(0, offset), PAGE));
        model.addAttribute("empty", page.items().isEmpty());
        // the rows as HTML, rendered once per page of the list as kept (an unchanged page costs a lookup by identity)
        model.addAttribute("rowsHtml", rendered.of("invoices-rows", page,
                () -> page.items().stream().map(Row::of).toList()));
        model.addAttribute("period", p.map(BillingPeriod::toString).orElse(""));
        model.addAttribute("status", st.map(InvoiceStatus::dbName).orElse(""));
        model.addAttribute("customer", who.orElse(""));
        model.addAttribute("msp", actor.account().isMsp());
        model.addAttribute("total", page.total());
        model.addAttribute("next", page.hasMore() ? page.offset() + page.items().size() : -1);
        model.addAttribute("previous", page.offset() > 0 ? Math.max(0, page.offset() - PAGE) : -1);
        return "invoices";
    }

    @GetMapping("/invoices/{id}")
    String invoice(Actor actor, @PathVariable UUID id, Model model) {
        Invoice i = invoices.get(actor, id);
        boolean manager = actor.account().isMsp() && actor.can(Permission.MANAGE_MANAGED_ACCOUNTS);
        model.addAttribute("invoice", Row.of(i));
        model.addAttribute("lines", i.lines().stream().map(l -> new LineRow(l.kind().name().toLowerCase(Locale.ROOT),
                l.description(), l.category().orElse(""), money(l.amount(), i.currency()),
                l.exact().stripTrailingZeros().toPlainString())).toList());
        model.addAttribute("subtotal", money(i.subtotal().amount(), i.currency()));
        model.addAttribute("tax", money(i.tax().amount(), i.currency()));
        model.addAttribute("hasTax", i.tax().signum() != 0);
        model.addAttribute("seller", i.seller().orElse(null));
        model.addAttribute("buyer", i.buyer().orElse(null));
        model.addAttribute("voidReason", i.voidReason().orElse(""));
        model.addAttribute("canIssue", manager && i.status() == InvoiceStatus.DRAFT);
        model.addAttribute("canVoid", manager && i.status() == InvoiceStatus.ISSUED);
        model.addAttribute("canSend", manager && i.status() == InvoiceStatus.ISSUED);
        model.addAttribute("msp", actor.account().isMsp());
        model.addAttribute("customerAccountId", i.customerAccountId().toString());
        model.addAttribute("periodValue", i.period().toString());
        model.addAttribute("deliveries", manager ? invoices.deliveries(actor, id).stream().map(d -> Map.of(
                "to", d.recipient(), "when", BillingPage.when(d.sentAt()), "by", d.sentBy(),
                "result", d.error().map(e -> "Failed: " + e).orElse("Delivered"))).toList() : List.of());
        return "invoice";
    }

    /** The drill-down (MSP only): how each rule of the customer's workflow changed this bill, and the lines it moved. */
    @GetMapping("/invoices/{id}/rules")
    String rules(Actor actor, @PathVariable UUID id, Model model) {
        Invoice i = invoices.get(actor, id);
        io.rebill.rules.RuleEffects effects = runs.ruleEffects(actor, id, 25);
        String c = i.currency();
        model.addAttribute("invoice", Row.of(i));
        model.addAttribute("cost", money(effects.cost(), c));
        model.addAttribute("charge", money(effects.charge(), c));
        model.addAttribute("rules", effects.rules().stream().map(r -> Map.of("title", r.title(), "id", r.id(),
                "lines", r.lines() == 0 ? "added line" : Amounts.count(r.lines()) + " lines", "before",
                r.lines() == 0 ? "—" : money(r.before(), c), "after", money(r.after(), c), "change",
                money(r.change(), c))).toList());
        model.addAttribute("lines", effects.lines().stream().map(l -> Map.of("id", l.lineId(), "service", l.service(),
                "type", String.valueOf(l.chargeType()), "cost", money(l.cost(), c), "charge",
                l.excluded() ? "excluded" : money(l.charge(), c), "rules", String.join(", ", l.rules()))).toList());
        return "invoice-rules";
    }

    @PostMapping("/invoices/{id}/issue")
    String issue(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        return act(id, redirect, () -> "Issued " + invoices.issue(actor, id).number().orElseThrow() + ".");
    }

    @PostMapping("/invoices/{id}/void")
    String voidInvoice(Actor actor, @PathVariable UUID id, @RequestParam(defaultValue = "") String reason,
                       RedirectAttributes redirect) {
        return act(id, redirect, () -> "Voided " + invoices.voidInvoice(actor, id, reason).number().orElseThrow()
                + "; the period bills again and a new draft follows.");
    }

    @PostMapping("/invoices/{id}/send")
    String send(Actor actor, @PathVariable UUID id, @RequestParam(defaultValue = "") String to,
                RedirectAttributes redirect) {
        return act(id, redirect, () -> "Sent to " + invoices.send(actor, id, Optional.of(to)).recipient() + ".");
    }

    private static String act(UUID id, RedirectAttributes redirect, java.util.function.Supplier<String> action) {
        try {
            redirect.addFlashAttribute("message", action.get());
        } catch (RebillException e) {
            if (e.code() == ErrorCode.UNKNOWN_ID) {
                throw e;
            }
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/invoices/" + id;
    }

    @GetMapping("/billing-details/{account}")
    String details(Actor actor, @PathVariable UUID account, Model model) {
        BillingDetails d = invoices.details(actor, account);
        model.addAttribute("d", d);
        model.addAttribute("seller", d.accountId().equals(actor.account().id()));
        model.addAttribute("taxRate", d.taxRate().map(BigDecimal::toPlainString).orElse(""));
        return "billing-details";
    }

    @PostMapping("/billing-details/{account}")
    String saveDetails(Actor actor, @PathVariable UUID account, @RequestParam Map<String, String> form,
                       RedirectAttributes redirect) {
        BillingDetails current = invoices.details(actor, account);
        try {
            invoices.updateDetails(actor, new BillingDetails(account, current.name(), current.contactEmail(),
                    text(form.get("legal_name")), text(form.get("address")), text(form.get("tax_id")),
                    text(form.get("po_number")), text(form.get("payment_terms_days")).map(InvoicesPage::days).orElse(30),
                    text(form.get("tax_rate")).map(t -> {
                        try {
                            return new BigDecimal(t);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("tax rate '" + t + "' is not a number such as 20");
                        }
                    }), text(form.get("invoice_prefix")).orElse(current.invoicePrefix())));
            redirect.addFlashAttribute("message", "Saved. Drafts follow; issued invoices keep their details.");
        } catch (IllegalArgumentException | RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/billing-details/" + account;
    }

    private static int days(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("payment terms '" + text + "' is not a number of days");
        }
    }

    private static Optional<String> text(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(s -> !s.isEmpty());
    }

    static String money(BigDecimal amount, String currency) {
        return currency + " " + Amounts.display(amount);
    }
}
