package io.rebill.invoicing;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.invoicing.internal.CloseStore;
import io.rebill.invoicing.internal.DetailsStore;
import io.rebill.invoicing.internal.InvoiceDocuments;
import io.rebill.invoicing.internal.InvoiceStore;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Invoices (issue 11): a draft per customer and period follows the bill runs; issuing gives it the MSP's next
 * gapless number, dates and both parties' details, after which it never changes (409); voiding keeps it and its
 * number. The MSP sees every invoice; a customer account (its users, and the MSP's staff inside it) sees its own
 * issued and void invoices only, never a draft, a cost or a margin.
 */
public final class Invoices {
    private final InvoiceStore store;
    private final DetailsStore details;
    private final CloseStore closes;
    private final InvoiceDocuments documents;
    private final BillRuns runs;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final InvoiceMailer mailer;
    private final String mailFrom;
    private final Clock clock;

    public Invoices(JdbcClient jdbc, TransactionTemplate tx, BillRuns runs, AuditLog audit, InvoiceMailer mailer,
                    String mailFrom, Clock clock) {
        this.store = new InvoiceStore(jdbc);
        this.details = new DetailsStore(jdbc);
        this.closes = new CloseStore(jdbc);
        this.documents = new InvoiceDocuments();
        this.runs = runs;
        this.tx = tx;
        this.audit = audit;
        this.mailer = mailer;
        this.mailFrom = mailFrom;
        this.clock = clock;
    }

    /** Whose invoices the actor sees: the MSP's all, or one customer account's issued and void ones. */
    private record Scope(UUID msp, Optional<UUID> customer) {
        boolean customerView() {
            return customer.isPresent();
        }
    }

    private Scope scope(Actor actor) {
        if (actor.account().isMsp()) {
            actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
            return new Scope(actor.account().id(), Optional.empty());
        }
        actor.require(Permission.VIEW_ACCOUNT);
        UUID msp = actor.account().mspId().orElseThrow(() -> new RebillException(ErrorCode.FORBIDDEN,
                "this account is not managed by an MSP and has no invoices"));
        return new Scope(msp, Optional.of(actor.account().id()));
    }

    public Page<Invoice> list(Actor actor, InvoiceFilter filter, PageRequest page) {
        Scope scope = scope(actor);
        if (scope.customerView() && filter.status().filter(s -> s == InvoiceStatus.DRAFT).isPresent()) {
            return new Page<>(List.of(), page.offset(), page.limit(), 0);
        }
        Optional<UUID> customer = scope.customer().or(filter::customer);
        return store.list(scope.msp(), new InvoiceStore.Filter(filter.period(), filter.status(), customer,
                filter.customerName(), scope.customerView()), page);
    }

    public Invoice get(Actor actor, UUID id) {
        Scope scope = scope(actor);
        return store.find(scope.msp(), id)
                .filter(i -> scope.customer().isEmpty() || (scope.customer().get().equals(i.customerAccountId())
                        && i.status() != InvoiceStatus.DRAFT))
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no invoice " + id));
    }

    /** Issues a draft: the next number of the MSP (never reused), today's date, the due date by payment terms. */
    public Invoice issue(Actor actor, UUID id) {
        UUID msp = manager(actor);
        Invoice issued = tx.execute(s -> {
            InvoiceStatus status = store.lockStatus(msp, id).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                    "no invoice " + id));
            Invoice draft = store.find(msp, id).orElseThrow();
            if (status != InvoiceStatus.DRAFT) {
                throw new RebillException(ErrorCode.INVOICE_STATE, "invoice " + draft.number().orElse(id.toString())
                        + " is " + status.label().toLowerCase() + "; an issued invoice never changes (void it, and"
                        + " the next bill run drafts a new one)");
            }
            closes.requireOpen(msp, draft.period());
            BillingDetails seller = details.find(msp, msp).orElseThrow();
            BillingDetails buyer = details.find(msp, draft.customerAccountId()).orElseThrow();
            LocalDate today = LocalDate.now(clock);
            String number = String.format("%s-%d-%06d", seller.invoicePrefix(), today.getYear(), store.nextNumber(msp));
            store.issue(msp, id, number, today, today.plusDays(buyer.paymentTermsDays()), actor.createdBy(),
                    seller.party(), buyer.party());
            Invoice done = store.find(msp, id).orElseThrow();
            audit.record(actor, "invoice.issue", id.toString(), Map.of("number", number, "customer",
                    done.customerName(), "period", done.period().toString(), "total", done.total().toString()));
            return done;
        });
        return issued;
    }

    /** Voids an issued invoice: it stays, with its number; the period's next bill run drafts a new invoice. */
    public Invoice voidInvoice(Actor actor, UUID id, String reason) {
        UUID msp = manager(actor);
        String why = reason == null || reason.isBlank() ? "voided" : reason.strip();
        if (why.length() > 500) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "reason: at most 500 characters");
        }
        Invoice voided = tx.execute(s -> {
            InvoiceStatus status = store.lockStatus(msp, id).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                    "no invoice " + id));
            Invoice invoice = store.find(msp, id).orElseThrow();
            if (status != InvoiceStatus.ISSUED) {
                throw new RebillException(ErrorCode.INVOICE_STATE, "invoice " + invoice.number().orElse(id.toString())
                        + " is " + status.label().toLowerCase() + "; only an issued invoice can be voided");
            }
            closes.requireOpen(msp, invoice.period());
            store.voidIssued(msp, id, actor.createdBy(), why);
            audit.record(actor, "invoice.void", id.toString(), Map.of("number", invoice.number().orElseThrow(),
                    "customer", invoice.customerName(), "reason", why));
            return store.find(msp, id).orElseThrow();
        });
        runs.requestAutomatically(msp, voided.period(), RunTrigger.CONFIGURATION, "invoice " + voided.number()
                .orElseThrow() + " voided");
        return voided;
    }

    /** The invoice as a PDF, with the invoice it was rendered from (one read of it). */
    public InvoiceFile pdf(Actor actor, UUID id) {
        Invoice invoice = get(actor, id);
        return new InvoiceFile(invoice, documents.pdf(invoice, details.find(invoice.mspId(), invoice.mspId()).orElseThrow(),
                details.find(invoice.mspId(), invoice.customerAccountId()).orElseThrow()), "pdf");
    }

    /** The invoice as CSV (UTF-8), with the invoice it was rendered from (one read of it). */
    public InvoiceFile csv(Actor actor, UUID id) {
        Invoice invoice = get(actor, id);
        return new InvoiceFile(invoice, documents.csv(invoice).getBytes(java.nio.charset.StandardCharsets.UTF_8), "csv");
    }

    /** Emails the issued invoice's PDF to {@code to} (default: the customer's contact email); the send is recorded. */
    public InvoiceDelivery send(Actor actor, UUID id, Optional<String> to) {
        UUID msp = manager(actor);
        Invoice invoice = get(actor, id);
        if (invoice.status() != InvoiceStatus.ISSUED) {
            throw new RebillException(ErrorCode.INVOICE_STATE, "only an issued invoice is sent; this one is "
                    + invoice.status().label().toLowerCase());
        }
        BillingDetails seller = details.find(msp, msp).orElseThrow();
        BillingDetails buyer = details.find(msp, invoice.customerAccountId()).orElseThrow();
        String recipient = to.filter(t -> !t.isBlank()).map(t -> io.rebill.tenancy.ContactEmail.check(t, "to"))
                .orElse(buyer.contactEmail());
        String number = invoice.number().orElseThrow();
        Optional<String> error = Optional.empty();
        try {
            mailer.send(recipient, mailFrom, seller.party().name() + " invoice " + number,
                    documents.emailBody(invoice, seller), number + ".pdf", documents.pdf(invoice, seller, buyer));
        } catch (RuntimeException e) {
            error = Optional.of(String.valueOf(e.getMessage()));
        }
        store.recordDelivery(id, recipient, actor.createdBy(), error);
        audit.record(actor, "invoice.send", id.toString(), Map.of("number", number, "customer", invoice.customerName(),
                "to", recipient, "delivered", error.isEmpty()));
        if (error.isPresent()) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "invoice " + number + " could not be sent to "
                    + recipient + ": " + error.get() + "; check the REBILL_SMTP_* settings and send it again");
        }
        return store.deliveries(msp, id).getFirst();
    }

    public List<InvoiceDelivery> deliveries(Actor actor, UUID id) {
        UUID msp = manager(actor);
        get(actor, id);
        return store.deliveries(msp, id);
    }

    /** Closes a period whose invoices are all issued: from then on nothing of it changes. */
    public BillingOverview.Closed close(Actor actor, BillingPeriod period) {
        UUID msp = manager(actor);
        return tx.execute(s -> {
            closes.lockMsp(msp);
            closes.requireOpen(msp, period);
            // a run writes its drafts, then its cost figures: a period closes with the figures of its drafts
            runs.running(msp, period).ifPresent(r -> {
                throw new RebillException(ErrorCode.INVOICE_STATE, "a bill run of " + period + " is running ("
                        + r.progress().orElse("starting") + "); close the period when it has finished");
            });
            List<String> drafts = store.ofPeriod(msp, period).stream().filter(i -> i.status() == InvoiceStatus.DRAFT)
                    .map(Invoice::customerName).sorted().toList();
            if (!drafts.isEmpty()) {
                throw new RebillException(ErrorCode.INVOICE_STATE, "billing period " + period + " still has "
                        + drafts.size() + " draft invoice(s) (" + String.join(", ", drafts.subList(0,
                        Math.min(5, drafts.size()))) + (drafts.size() > 5 ? ", ..." : "")
                        + "); issue them before closing the period");
            }
            closes.close(msp, period, actor.createdBy());
            audit.record(actor, "billing_period.close", period.toString(), Map.of("period", period.toString()));
            return closes.find(msp, period).orElseThrow();
        });
    }

    public BillingDetails details(Actor actor, UUID account) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        return details.find(msp, account).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                "no account " + account));
    }

    public BillingDetails updateDetails(Actor actor, BillingDetails changed) {
        UUID msp = manager(actor);
        details(actor, changed.accountId());
        details.update(msp, changed);
        audit.record(actor, "billing_details.update", changed.accountId().toString(), Map.of("account",
                changed.name()));
        runs.configurationChanged(msp);
        return details(actor, changed.accountId());
    }

    private static UUID manager(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        return msp;
    }
}
