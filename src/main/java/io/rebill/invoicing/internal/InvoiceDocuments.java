package io.rebill.invoicing.internal;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import io.rebill.invoicing.BillingDetails;
import io.rebill.invoicing.Invoice;
import io.rebill.invoicing.InvoiceStatus;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * An invoice as documents: a PDF rendered from the HTML template {@code invoice-pdf.html} by openhtmltopdf, a CSV of
 * its lines, and the body of the email that carries the PDF. Amounts are the invoice's rounded lines as stored.
 */
public final class InvoiceDocuments {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH);
    private final SpringTemplateEngine templates;

    public InvoiceDocuments() {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(InvoiceDocuments.class.getClassLoader());
        resolver.setPrefix("io/rebill/invoicing/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.XML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        templates = new SpringTemplateEngine();
        templates.setTemplateResolver(resolver);
    }

    /** One rendered line of the PDF. */
    public record Row(String description, String category, String amount) {
    }

    public byte[] pdf(Invoice invoice, BillingDetails seller, BillingDetails buyer) {
        Context context = new Context(Locale.ENGLISH);
        Invoice.Party from = invoice.seller().orElse(seller.party());
        Invoice.Party to = invoice.buyer().orElse(buyer.party());
        context.setVariable("title", title(invoice));
        context.setVariable("status", invoice.status().label());
        context.setVariable("draft", invoice.status() == InvoiceStatus.DRAFT);
        context.setVariable("voided", invoice.status() == InvoiceStatus.VOID);
        context.setVariable("voidReason", invoice.voidReason().orElse(""));
        context.setVariable("seller", from);
        context.setVariable("buyer", to);
        context.setVariable("number", invoice.number().orElse("Draft"));
        context.setVariable("period", invoice.period().month().format(MONTH));
        context.setVariable("issueDate", invoice.issueDate().map(DATE::format).orElse("not issued"));
        context.setVariable("dueDate", invoice.dueDate().map(DATE::format).orElse("not issued"));
        context.setVariable("rows", invoice.lines().stream().filter(l -> l.kind() != Invoice.LineKind.TAX)
                .map(l -> new Row(l.description(), l.category().orElse(""), money(l.amount(), invoice.currency())))
                .toList());
        context.setVariable("taxes", invoice.lines().stream().filter(l -> l.kind() == Invoice.LineKind.TAX)
                .map(l -> new Row(l.description(), "", money(l.amount(), invoice.currency()))).toList());
        context.setVariable("subtotal", money(invoice.subtotal().amount(), invoice.currency()));
        context.setVariable("total", money(invoice.total().amount(), invoice.currency()));
        String html = templates.process("invoice-pdf", context);
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.useFastMode();
            builder.withHtmlContent(html, null);
            builder.toStream(out);
            builder.run();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering invoice " + invoice.id() + " as PDF failed", e);
        }
    }

    /** The invoice's lines with their exact and rounded amounts, then the total; RFC 4180 quoting. */
    public String csv(Invoice invoice) {
        StringBuilder sb = new StringBuilder();
        sb.append("invoice_number,period,customer,status,line,kind,description,category,currency,exact_amount,amount\r\n");
        int n = 0;
        for (Invoice.Line l : invoice.lines()) {
            row(sb, invoice, String.valueOf(++n), l.kind().name().toLowerCase(Locale.ROOT), l.description(),
                    l.category().orElse(""), plain(l.exact()), l.amount().toPlainString());
        }
        row(sb, invoice, "", "total", "Total", "", invoice.total().amount().toPlainString(),
                invoice.total().amount().toPlainString());
        return sb.toString();
    }

    private static String plain(BigDecimal exact) {
        return exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toPlainString();
    }

    public String emailBody(Invoice invoice, BillingDetails seller) {
        return "Hello,\n\nplease find attached invoice " + invoice.number().orElse("") + " for "
                + invoice.period().month().format(MONTH) + ": " + money(invoice.total().amount(), invoice.currency())
                + ", due " + invoice.dueDate().map(DATE::format).orElse("") + ".\n\n" + seller.party().name() + "\n";
    }

    private static void row(StringBuilder sb, Invoice invoice, String... fields) {
        List<String> all = new java.util.ArrayList<>(List.of(invoice.number().orElse(""), invoice.period().toString(),
                invoice.customerName(), invoice.status().dbName()));
        all.addAll(List.of(fields).subList(0, 4));
        all.add(invoice.currency());
        all.addAll(List.of(fields).subList(4, 6));
        sb.append(String.join(",", all.stream().map(InvoiceDocuments::quote).toList())).append("\r\n");
    }

    private static String quote(String field) {
        return field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")
                ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }

    private static String title(Invoice invoice) {
        return switch (invoice.status()) {
            case DRAFT -> "Draft invoice";
            case ISSUED -> "Invoice " + invoice.number().orElseThrow();
            case VOID -> "Void invoice " + invoice.number().orElseThrow();
        };
    }

    /** {@code 12345.6} USD -> {@code USD 12,345.60}: the invoice's amounts are already rounded to the minor unit. */
    static String money(BigDecimal amount, String currency) {
        int digits = io.rebill.shared.money.RoundingPolicy.minorUnitDigits(currency);
        DecimalFormat format = new DecimalFormat(digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ENGLISH));
        format.setRoundingMode(RoundingMode.HALF_UP);
        return currency + " " + format.format(amount);
    }
}
