package io.rebill.web.costs;

import io.rebill.costs.CostViewer;
import io.rebill.costs.DailyCosts;
import io.rebill.identity.Actor;
import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.BillRuns;
import io.rebill.invoicing.Invoice;
import io.rebill.invoicing.InvoiceFilter;
import io.rebill.invoicing.InvoiceStatus;
import io.rebill.invoicing.Invoices;
import io.rebill.rules.Billing;
import io.rebill.rules.CustomerFocus;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A customer account's re-billed lines of a period as a FOCUS 1.2 file (issue 12 items 3 and 7), read on request
 * from the lines the period's latest successful bill run kept: the account's own (its key in the MSP's
 * configuration is the only customer the file is read for), its issued invoice's number and correction lines. The
 * MSP's staff read it inside the customer account, as Manager User.
 */
@RestController
@RequestMapping("/api/v1")
class FocusFileApi {
    static final MediaType PARQUET = MediaType.parseMediaType("application/vnd.apache.parquet");

    private final BillRuns runs;
    private final Invoices invoices;
    private final Billing billing;

    FocusFileApi(BillRuns runs, Invoices invoices, io.rebill.shared.config.RebillSettings settings) {
        this.runs = runs;
        this.invoices = invoices;
        // the same folders as the bill runs' Billing (InvoicingConfiguration); reading a run's lines uses no predicate
        this.billing = io.rebill.invoicing.InvoiceAssembly.billing(settings, io.rebill.rules.PredicateCompiler.cel());
    }

    @GetMapping("/costs/focus")
    ResponseEntity<InputStreamResource> focus(Actor actor, @RequestParam String period,
                                              @RequestParam(defaultValue = "csv") String format) throws IOException {
        CostViewer.Customer viewer = switch (DailyCosts.viewerOf(actor)) {
            case CostViewer.Msp m -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "the FOCUS file is a customer"
                    + " account's; enter the customer account (or send the Rebill-Account header) to read its file");
            case CostViewer.Customer c -> c;
        };
        BillingPeriod p = BillingPeriod.parse(period);
        CustomerFocus.Format f = CustomerFocus.Format.parse(format);
        BillRun run = runs.latestSucceeded(viewer.msp(), p).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_PERIOD,
                "no re-billed costs of " + p + " yet"));
        // the invoice as the customer sees it: issued (or void), never a draft
        Optional<Invoice> issued = invoices.list(actor, new InvoiceFilter(Optional.of(p), Optional.of(InvoiceStatus.ISSUED),
                Optional.empty()), new PageRequest(0, 1)).items().stream().findFirst();
        Path file = billing.customerFocus(billing.runFolder(viewer.msp(), p, run.id()), new CustomerFocus(
                actor.account().key(), issued.flatMap(Invoice::number), corrections(actor, issued), f));
        long size = Files.size(file);
        InputStream in = Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
        String name = "focus-" + slug(actor.account().name()) + "-" + p + "." + f.extension();
        return ResponseEntity.ok()
                .contentType(f == CustomerFocus.Format.CSV ? new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8) : PARQUET)
                .contentLength(size)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
                .body(new InputStreamResource(in));
    }

    /** The correction lines of the issued invoice, each with the closed period and invoice it corrects. */
    private List<CustomerFocus.Correction> corrections(Actor actor, Optional<Invoice> issued) {
        List<CustomerFocus.Correction> list = new ArrayList<>();
        for (Invoice.Line line : issued.map(Invoice::lines).orElse(List.of())) {
            if (line.kind() != Invoice.LineKind.CORRECTION || line.corrects().isEmpty()) {
                continue;
            }
            Invoice.Correction c = line.corrects().get();
            BillingPeriod corrected = invoices.get(actor, c.invoiceId()).period();
            list.add(new CustomerFocus.Correction(line.description(), c.line(), line.amount(), corrected, c.number()));
        }
        return list;
    }

    private static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "account" : s;
    }
}
