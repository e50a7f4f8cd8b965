package io.rebill.invoicing.internal;

import io.rebill.invoicing.Invoice;
import io.rebill.invoicing.InvoiceStatus;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import static io.rebill.invoicing.internal.RunStore.JSON;
import static io.rebill.invoicing.internal.RunStore.SQL;

/** The invoice tables: every statement names the MSP. */
public final class InvoiceStore {
    private final JdbcClient jdbc;
    public InvoiceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What lists and pages filter invoices by; empty = any. */
    public record Filter(Optional<BillingPeriod> period, Optional<InvoiceStatus> status, Optional<UUID> customer,
                         Optional<String> customerName, boolean customerView) {
    }

    public Optional<Invoice> find(UUID msp, UUID id) {
        return jdbc.sql(SQL.get("invoice")).param("msp", msp).param("id", id).query(header()).optional()
                .map(h -> withLines(List.of(h)).getFirst());
    }

    /**
     * A page of the list as read, by what decides it: the MSP, the filter, the page and the MSP's invoices version
     * (invoicing.sql, invoices-version). The version is read first, so a page kept under it is never older than it.
     */
    private record ListKey(UUID msp, Filter filter, PageRequest page, long version) {
    }

    private final java.util.Map<ListKey, Page<Invoice>> pages = io.rebill.shared.cache.Lru.of(256);

    /**
     * A page of the MSP's invoices; kept per version of its invoices (a counter triggers raise with every committed
     * change of an invoice, its lines or its customer's name, migration V2026_12_09_0100), so an unchanged list
     * costs one lookup by key instead of reading 100 headers and counting the MSP's invoices. Inside a transaction
     * the list is read, never kept: the counter read there may be the transaction's own, which a rollback undoes.
     */
    public Page<Invoice> list(UUID msp, Filter filter, PageRequest page) {
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            return read(msp, filter, page);
        }
        long version = jdbc.sql(SQL.get("invoices-version")).param("msp", msp).query(Long.class).single();
        ListKey key = new ListKey(msp, filter, page, version);
        Page<Invoice> kept = pages.get(key);
        if (kept == null) {
            kept = read(msp, filter, page);
            pages.put(key, kept);
        }
        return kept;
    }

    private Page<Invoice> read(UUID msp, Filter filter, PageRequest page) {
        List<Invoice> items = withLines(filtered(jdbc.sql(SQL.get("invoices")), msp, filter)
                .param("limit", page.limit()).param("offset", page.offset()).query(header()).list());
        // a page that is not full ends the list: its total needs no count
        long total = items.size() < page.limit() && (!items.isEmpty() || page.offset() == 0)
                ? page.offset() + items.size()
                : filtered(jdbc.sql(SQL.get("count-invoices")), msp, filter).query(Long.class).single();
        return new Page<>(items, page.offset(), page.limit(), total);
    }

    public List<Invoice> ofPeriod(UUID msp, BillingPeriod period) {
        return jdbc.sql(SQL.get("invoices-of-period")).param("msp", msp).param("period", period.toString())
                .query(header()).list().stream().collect(java.util.stream.Collectors.collectingAndThen(
                        java.util.stream.Collectors.toList(), this::withLines));
    }

    private static JdbcClient.StatementSpec filtered(JdbcClient.StatementSpec spec, UUID msp, Filter filter) {
        return spec.param("msp", msp)
                .param("period", filter.period().map(BillingPeriod::toString).orElse(null), Types.VARCHAR)
                .param("status", filter.status().map(InvoiceStatus::dbName).orElse(null), Types.VARCHAR)
                .param("customer", filter.customer().orElse(null), Types.OTHER)
                .param("name", filter.customerName().orElse(null), Types.VARCHAR)
                .param("customerView", filter.customerView());
    }

    /**
     * Locks the invoice row for a state change, after the MSP's billing version row (one lock order with the
     * triggers of migration V2026_12_09_0100); empty when the MSP has no such invoice.
     */
    public Optional<InvoiceStatus> lockStatus(UUID msp, UUID id) {
        // the MSP's billing version row first, as every billing write's trigger takes it (invoicing.sql)
        jdbc.sql(SQL.get("lock-billing-version")).param("msp", msp).update();
        return jdbc.sql(SQL.get("invoice-for-update")).param("msp", msp).param("id", id)
                .query((rs, n) -> InvoiceStatus.fromDb(rs.getString("status"))).optional();
    }

    /** A draft a run writes: its id, customer account, currency and the customer's tax rate. */
    public record DraftRow(UUID id, UUID customer, String currency, Optional<BigDecimal> taxRate) {
        Map<String, Object> json() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", id.toString());
            m.put("customer", customer.toString());
            m.put("currency", currency);
            m.put("tax_rate", taxRate.map(BigDecimal::toPlainString).orElse(null));
            return m;
        }
    }

    /**
     * A run's drafts in four statements: the new ones inserted, the others refreshed, then every one's lines
     * replaced. Lines go only to drafts of this MSP; any other invoice id fails the whole write (the caller's
     * transaction rolls back).
     */
    public void writeDrafts(UUID msp, BillingPeriod period, UUID run, List<DraftRow> inserted, List<DraftRow> refreshed,
                            Map<UUID, List<Invoice.Line>> lines) {
        if (!inserted.isEmpty()) {
            jdbc.sql(SQL.get("insert-drafts")).param("msp", msp).param("period", period.toString()).param("run", run)
                    .param("rows", JSON.writeValueAsString(inserted.stream().map(DraftRow::json).toList())).update();
        }
        if (!refreshed.isEmpty()) {
            int n = jdbc.sql(SQL.get("refresh-drafts")).param("msp", msp).param("run", run)
                    .param("rows", JSON.writeValueAsString(refreshed.stream().map(DraftRow::json).toList())).update();
            if (n != refreshed.size()) {
                throw new IllegalStateException(refreshed.size() - n + " of the period's drafts were issued or removed"
                        + " while the run wrote them; run the bill again");
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        jdbc.sql(SQL.get("delete-drafts-lines")).param("msp", msp)
                .param("invoices", uuidArray(lines.keySet())).update();
        List<Map<String, Object>> rows = new ArrayList<>();
        lines.forEach((invoice, ls) -> {
            int position = 0;
            for (Invoice.Line line : ls) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("invoice", invoice.toString());
                m.put("position", ++position);
                m.put("kind", line.kind().name().toLowerCase(Locale.ROOT));
                m.put("description", line.description());
                m.put("category", line.category().orElse(null));
                m.put("exact", line.exact().toPlainString());
                m.put("amount", line.amount().toPlainString());
                m.put("corrects", line.corrects().map(c -> c.invoiceId().toString()).orElse(null));
                m.put("corrects_line", line.corrects().map(Invoice.Correction::line).orElse(null));
                rows.add(m);
            }
        });
        if (rows.isEmpty()) {
            return;
        }
        int n = jdbc.sql(SQL.get("insert-drafts-lines")).param("msp", msp).param("rows", JSON.writeValueAsString(rows))
                .update();
        if (n != rows.size()) {
            throw new IllegalStateException("only " + n + " of " + rows.size() + " draft lines of MSP " + msp
                    + " were written: an invoice was not one of its drafts");
        }
    }

    /**
     * The version of everything a period's Billing overview is computed from (its runs with their customer rows,
     * invoices with their lines, close and the MSP's row), read in one statement of two lookups by key: equal
     * versions, equal overviews (invoicing.sql, period-version). Read it before the figures, so that figures cached
     * under it are never older than it.
     */
    public String periodVersion(UUID msp, BillingPeriod period) {
        return jdbc.sql(SQL.get("period-version")).param("msp", msp).param("period", period.toString())
                .query(String.class).single();
    }

    /** Per customer account, its invoices of the period as the Billing page shows them, totals summed in SQL. */
    public List<io.rebill.invoicing.BillingOverview.InvoiceRef> refs(UUID msp, BillingPeriod period,
                                                                    java.util.Map<UUID, UUID> customerOf) {
        return jdbc.sql(SQL.get("invoice-refs")).param("msp", msp).param("period", period.toString())
                .query((rs, n) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    customerOf.put(id, rs.getObject("customer_account_id", UUID.class));
                    return new io.rebill.invoicing.BillingOverview.InvoiceRef(id, InvoiceStatus.fromDb(
                            rs.getString("status")), Optional.ofNullable(rs.getString("number")),
                            rs.getBigDecimal("total"));
                }).list();
    }

    /** The period's charge per service and per charge or credit line, over its drafts and issued invoices. */
    public java.util.LinkedHashMap<String, java.math.BigDecimal> chargeByService(UUID msp, BillingPeriod period,
                                                                                int limit) {
        java.util.LinkedHashMap<String, java.math.BigDecimal> sums = new java.util.LinkedHashMap<>();
        jdbc.sql(SQL.get("charge-by-service")).param("msp", msp).param("period", period.toString())
                .param("limit", limit).query((rs, n) -> sums.put(rs.getString(1), rs.getBigDecimal(2))).list();
        return sums;
    }

    /** Drafts of the period: customer account -> invoice id. */
    public java.util.Map<UUID, UUID> drafts(UUID msp, BillingPeriod period) {
        java.util.Map<UUID, UUID> drafts = new java.util.HashMap<>();
        jdbc.sql(SQL.get("drafts-of-period")).param("msp", msp).param("period", period.toString())
                .query((rs, n) -> drafts.put(rs.getObject("customer_account_id", UUID.class), rs.getObject("id", UUID.class)))
                .list();
        return drafts;
    }

    public java.util.Set<UUID> issuedCustomers(UUID msp, BillingPeriod period) {
        return new java.util.HashSet<>(jdbc.sql(SQL.get("issued-of-period")).param("msp", msp)
                .param("period", period.toString()).query(UUID.class).list());
    }

    public List<BillingPeriod> draftPeriods(UUID msp) {
        return jdbc.sql(SQL.get("draft-periods")).param("msp", msp).query(String.class).list().stream()
                .map(BillingPeriod::parse).toList();
    }

    /** A PostgreSQL array literal of ids ({@code {a,b}}), cast to uuid[] by the statement. */
    private static String uuidArray(java.util.Collection<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    public void deleteDrafts(UUID msp, List<UUID> ids) {
        if (!ids.isEmpty()) {
            jdbc.sql(SQL.get("delete-drafts")).param("msp", msp)
                    .param("ids", uuidArray(ids)).update();
        }
    }

    public long nextNumber(UUID msp) {
        return jdbc.sql(SQL.get("next-number")).param("msp", msp).query(Long.class).single();
    }

    public boolean issue(UUID msp, UUID id, String number, LocalDate issueDate, LocalDate dueDate, String by,
                         Invoice.Party seller, Invoice.Party buyer) {
        return jdbc.sql(SQL.get("issue")).param("msp", msp).param("id", id).param("number", number)
                .param("issueDate", Date.valueOf(issueDate)).param("dueDate", Date.valueOf(dueDate)).param("by", by)
                .param("seller", partyJson(seller)).param("buyer", partyJson(buyer))
                .update() == 1;
    }

    public boolean voidIssued(UUID msp, UUID id, String by, String reason) {
        return jdbc.sql(SQL.get("void")).param("msp", msp).param("id", id).param("by", by).param("reason", reason)
                .update() == 1;
    }

    public void recordDelivery(UUID invoice, String recipient, String by, Optional<String> error) {
        jdbc.sql(SQL.get("insert-delivery")).param("invoice", invoice).param("recipient", recipient).param("by", by)
                .param("error", error.orElse(null), Types.VARCHAR).update();
    }

    public List<io.rebill.invoicing.InvoiceDelivery> deliveries(UUID msp, UUID invoice) {
        return jdbc.sql(SQL.get("deliveries")).param("msp", msp).param("invoice", invoice)
                .query((rs, n) -> new io.rebill.invoicing.InvoiceDelivery(rs.getString("recipient"), rs.getTimestamp("sent_at").toInstant(),
                        rs.getString("sent_by"), Optional.ofNullable(rs.getString("error")))).list();
    }

    /**
     * The invoices with their lines, read in one query for all of them (a page of 200 invoices is one round trip).
     * Not kept per invoice: a line can change without its invoice's row (an operator's SQL), and the lists keep
     * whole pages under a version that every change of a line raises.
     */
    private List<Invoice> withLines(List<Invoice> headers) {
        if (headers.isEmpty()) {
            return List.of();
        }
        java.util.Map<UUID, List<Invoice.Line>> lines = readLines(headers.getFirst().mspId(),
                headers.stream().map(Invoice::id).toList());
        return headers.stream().map(h -> new Invoice(h.id(), h.mspId(), h.customerAccountId(),
                h.customerName(), h.period(), h.status(), h.currency(), h.taxRate(),
                List.copyOf(lines.getOrDefault(h.id(), List.of())), h.number(), h.issueDate(), h.dueDate(), h.seller(),
                h.buyer(), h.issuedAt(), h.issuedBy(), h.voidedAt(), h.voidReason(), h.runId(), h.updatedAt())).toList();
    }

    private java.util.Map<UUID, List<Invoice.Line>> readLines(UUID msp, java.util.Collection<UUID> invoices) {
        java.util.Map<UUID, List<Invoice.Line>> lines = new java.util.HashMap<>();
        jdbc.sql(SQL.get("lines")).param("msp", msp).param("invoices", invoices.toArray(UUID[]::new))
                .query((rs, n) -> {
                    UUID corrects = rs.getObject("corrects_invoice_id", UUID.class);
                    Optional<Invoice.Correction> correction = corrects == null ? Optional.empty()
                            : Optional.of(new Invoice.Correction(corrects, rs.getString("corrects_number"),
                            rs.getString("corrects_line")));
                    lines.computeIfAbsent(rs.getObject("invoice_id", UUID.class), k -> new java.util.ArrayList<>())
                            .add(new Invoice.Line(Invoice.LineKind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
                                    rs.getString("description"), Optional.ofNullable(rs.getString("category")),
                                    rs.getBigDecimal("exact"), rs.getBigDecimal("amount"), correction));
                    return null;
                }).list();
        return lines;
    }

    private static RowMapper<Invoice> header() {
        return (rs, n) -> new Invoice(rs.getObject("id", UUID.class), rs.getObject("msp_id", UUID.class),
                rs.getObject("customer_account_id", UUID.class), rs.getString("customer_name"),
                BillingPeriod.parse(rs.getString("period")), InvoiceStatus.fromDb(rs.getString("status")),
                rs.getString("currency"), Optional.ofNullable(rs.getBigDecimal("tax_rate")), List.of(),
                Optional.ofNullable(rs.getString("number")), date(rs, "issue_date"), date(rs, "due_date"),
                party(rs, "seller"), party(rs, "buyer"), RunStore.instant(rs, "issued_at"),
                Optional.ofNullable(rs.getString("issued_by")), RunStore.instant(rs, "voided_at"),
                Optional.ofNullable(rs.getString("void_reason")), Optional.ofNullable(rs.getObject("run_id", UUID.class)),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static Optional<LocalDate> date(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getDate(column)).map(Date::toLocalDate);
    }

    private static Optional<Invoice.Party> party(ResultSet rs, String column) throws SQLException {
        String json = rs.getString(column);
        if (json == null) {
            return Optional.empty();
        }
        JsonNode p = JSON.readTree(json);
        return Optional.of(new Invoice.Party(p.path("name").asString(), text(p, "address"), text(p, "tax_id"),
                text(p, "po_number"), text(p, "email")));
    }

    private static String partyJson(Invoice.Party p) {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("name", p.name());
        p.address().ifPresent(v -> fields.put("address", v));
        p.taxId().ifPresent(v -> fields.put("tax_id", v));
        p.poNumber().ifPresent(v -> fields.put("po_number", v));
        p.email().ifPresent(v -> fields.put("email", v));
        return JSON.writeValueAsString(fields);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() || v.asString().isBlank() ? Optional.empty() : Optional.of(v.asString());
    }
}
