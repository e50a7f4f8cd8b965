package io.rebill.web.billing;

import io.rebill.identity.Actor;
import io.rebill.invoicing.BillingDetails;
import io.rebill.invoicing.Invoice;
import io.rebill.invoicing.InvoiceDelivery;
import io.rebill.invoicing.InvoiceFile;
import io.rebill.invoicing.InvoiceFilter;
import io.rebill.invoicing.InvoiceStatus;
import io.rebill.invoicing.Invoices;
import io.rebill.shared.cache.Identity;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.web.portal.PageJson;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Invoices (issue 11): the MSP lists, issues, voids, sends and downloads them; a customer account reads its own
 * issued and void invoices (never a draft, a cost or a margin). An issued invoice never changes: issuing it again,
 * or voiding a draft, answers 409. Billing details (legal name, address, tax id, PO number, payment terms, tax rate,
 * the MSP's invoice number prefix) are kept per account for the invoice header.
 */
@RestController
@RequestMapping("/api/v1")
class InvoicesApi {
    private final Invoices invoices;
    /**
     * Each invoice's JSON by the invoice itself (a record, compared by value: id, status, lines and all), so a kept
     * one is exactly what mapping that invoice again would give; formatting every line's exact amount (BigDecimal
     * division) was most of a list request's own CPU (docs/benchmarks.md, issue 11 item 8).
     */
    private final java.util.Map<Invoice, InvoiceJson> json = io.rebill.shared.cache.Lru.of(2048);

    /**
     * A page's JSON by the page as the invoice store keeps it (the same instance while the MSP's invoices are
     * unchanged): hashing each of its invoices with their lines to find their JSON was most of a list request.
     */
    private final java.util.Map<Identity, PageJson<InvoiceJson>> pages = io.rebill.shared.cache.Lru.of(256);

    InvoicesApi(Invoices invoices) {
        this.invoices = invoices;
    }

    record LineJson(String kind, String description, Optional<String> category, String exact, String amount,
                    Optional<String> correctsNumber) {
    }

    record PartyJson(String name, Optional<String> address, Optional<String> taxId, Optional<String> poNumber) {
        static PartyJson of(Invoice.Party p) {
            return new PartyJson(p.name(), p.address(), p.taxId(), p.poNumber());
        }
    }

    record InvoiceJson(UUID id, UUID customerAccountId, String customerName, String period, String status,
                       Optional<String> number, String currency, List<LineJson> lines, String subtotal, String tax,
                       String total, Optional<LocalDate> issueDate, Optional<LocalDate> dueDate,
                       Optional<PartyJson> seller, Optional<PartyJson> buyer, Optional<Instant> issuedAt,
                       Optional<Instant> voidedAt, Optional<String> voidReason) {
        static InvoiceJson of(Invoice i) {
            return new InvoiceJson(i.id(), i.customerAccountId(), i.customerName(), i.period().toString(),
                    i.status().dbName(), i.number(), i.currency(), i.lines().stream().map(l -> new LineJson(
                    l.kind().name().toLowerCase(Locale.ROOT), l.description(), l.category(), BillingApi.exact(l.exact()),
                    l.amount().toPlainString(), l.corrects().map(Invoice.Correction::number))).toList(), i.subtotal().amount().toPlainString(),
                    i.tax().amount().toPlainString(), i.total().amount().toPlainString(), i.issueDate(), i.dueDate(),
                    i.seller().map(PartyJson::of), i.buyer().map(PartyJson::of), i.issuedAt(), i.voidedAt(),
                    i.voidReason());
        }
    }

    @GetMapping("/invoices")
    PageJson<InvoiceJson> list(Actor actor, @RequestParam Optional<String> period, @RequestParam Optional<String> status,
                               @RequestParam Optional<UUID> customer, @RequestParam(defaultValue = "0") int offset,
                               @RequestParam(defaultValue = "50") int limit) {
        InvoiceFilter filter = new InvoiceFilter(period.map(BillingPeriod::parse), status.map(InvoicesApi::status),
                customer);
        Page<Invoice> page = invoices.list(actor, filter, new PageRequest(offset, limit));
        Identity key = new Identity(page);
        PageJson<InvoiceJson> kept = pages.get(key);
        if (kept == null) {
            kept = PageJson.of(page.map(this::json), "/api/v1/invoices");
            pages.put(key, kept);
        }
        return kept;
    }

    private InvoiceJson json(Invoice invoice) {
        InvoiceJson kept = json.get(invoice);
        if (kept == null) {
            kept = InvoiceJson.of(invoice);
            json.put(invoice, kept);
        }
        return kept;
    }

    static InvoiceStatus status(String text) {
        try {
            return InvoiceStatus.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "status '" + text + "' is not one of draft, issued, void");
        }
    }

    @GetMapping("/invoices/{id}")
    InvoiceJson get(Actor actor, @PathVariable UUID id) {
        return json(invoices.get(actor, id));
    }

    @PostMapping("/invoices/{id}/issue")
    InvoiceJson issue(Actor actor, @PathVariable UUID id) {
        return InvoiceJson.of(invoices.issue(actor, id));
    }

    record VoidRequest(Optional<String> reason) {
    }

    @PostMapping("/invoices/{id}/void")
    InvoiceJson voidInvoice(Actor actor, @PathVariable UUID id, @RequestBody(required = false) VoidRequest body) {
        return InvoiceJson.of(invoices.voidInvoice(actor, id, body == null || body.reason() == null ? null
                : body.reason().orElse(null)));
    }

    record SendRequest(Optional<String> to) {
    }

    record DeliveryJson(String recipient, Instant sentAt, String sentBy, Optional<String> error) {
        static DeliveryJson of(InvoiceDelivery d) {
            return new DeliveryJson(d.recipient(), d.sentAt(), d.sentBy(), d.error());
        }
    }

    @PostMapping("/invoices/{id}/send")
    DeliveryJson send(Actor actor, @PathVariable UUID id, @RequestBody(required = false) SendRequest body) {
        Optional<String> to = body == null || body.to() == null ? Optional.empty() : body.to();
        return DeliveryJson.of(invoices.send(actor, id, to));
    }

    @GetMapping("/invoices/{id}/pdf")
    ResponseEntity<byte[]> pdf(Actor actor, @PathVariable UUID id) {
        return download(invoices.pdf(actor, id), MediaType.APPLICATION_PDF);
    }

    @GetMapping("/invoices/{id}/csv")
    ResponseEntity<byte[]> csv(Actor actor, @PathVariable UUID id) {
        return download(invoices.csv(actor, id), new MediaType("text", "csv", StandardCharsets.UTF_8));
    }

    private static ResponseEntity<byte[]> download(InvoiceFile file, MediaType type) {
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file.fileName())
                        .build().toString())
                .body(file.content());
    }

    record DetailsJson(UUID accountId, String name, Optional<String> legalName, Optional<String> address,
                       Optional<String> taxId, Optional<String> poNumber, int paymentTermsDays,
                       Optional<String> taxRate, String invoicePrefix) {
        static DetailsJson of(BillingDetails d) {
            return new DetailsJson(d.accountId(), d.name(), d.legalName(), d.address(), d.taxId(), d.poNumber(),
                    d.paymentTermsDays(), d.taxRate().map(BigDecimal::toPlainString), d.invoicePrefix());
        }
    }

    /** The MSP's own billing details (seller) or a managed account's (buyer). */
    @GetMapping("/billing_details/{account}")
    DetailsJson details(Actor actor, @PathVariable UUID account) {
        return DetailsJson.of(invoices.details(actor, account));
    }

    record DetailsUpdate(Optional<String> legalName, Optional<String> address, Optional<String> taxId,
                         Optional<String> poNumber, Optional<Integer> paymentTermsDays, Optional<String> taxRate,
                         Optional<String> invoicePrefix) {
    }

    /** Replaces the details; a field left out is cleared, payment terms default to 30 days, the prefix to INV. */
    @PutMapping("/billing_details/{account}")
    DetailsJson updateDetails(Actor actor, @PathVariable UUID account, @RequestBody DetailsUpdate body) {
        BillingDetails current = invoices.details(actor, account);
        BillingDetails changed;
        try {
            changed = new BillingDetails(account, current.name(), current.contactEmail(), text(body.legalName()),
                    text(body.address()), text(body.taxId()), text(body.poNumber()),
                    opt(body.paymentTermsDays()).orElse(30), text(body.taxRate()).map(InvoicesApi::percent),
                    text(body.invoicePrefix()).orElse("INV"));
        } catch (IllegalArgumentException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, e.getMessage());
        }
        return DetailsJson.of(invoices.updateDetails(actor, changed));
    }

    private static BigDecimal percent(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "tax_rate '" + text + "' is not a number such as 20 or 8.875");
        }
    }

    private static <T> Optional<T> opt(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    private static Optional<String> text(Optional<String> value) {
        return opt(value).map(String::strip).filter(s -> !s.isEmpty());
    }
}
