package io.rebill.invoicing.internal;

import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.Invoice;
import io.rebill.invoicing.InvoiceStatus;
import io.rebill.rules.BillResult;
import io.rebill.rules.Billing;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.MspConfig;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static io.rebill.invoicing.internal.RunStore.SQL;

/**
 * Restated closed periods (spec §4): a closed period never changes, so when the provider restates it (its stored
 * generation is no longer the one the issued invoices were billed from) the period is billed again with the
 * configuration those invoices pinned, and the difference per customer and invoice line (against what was issued,
 * and what earlier corrections already billed) becomes correction lines of the customer's next open period, each
 * naming the original invoice. Each correction is the difference of the two rounded amounts, so the customer pays
 * exactly what the restated period rounds to.
 */
public final class Corrections {
    private final JdbcClient jdbc;
    private final InvoiceStore invoices;
    private final Billing billing;

    public Corrections(JdbcClient jdbc, InvoiceStore invoices, Billing billing) {
        this.jdbc = jdbc;
        this.invoices = invoices;
        this.billing = billing;
    }

    /**
     * The correction lines that period {@code q} carries, per customer account: those of every closed period before
     * it that no open billed period lies between.
     *
     * @param current    the stored line item files and generations of a period now
     * @param keyOf      a customer account's key (its customer id in the configuration)
     * @param openPeriods the MSP's periods that have runs and are not closed
     */
    public Map<UUID, List<Invoice.Line>> forPeriod(UUID msp, BillingPeriod q,
                                                   Function<BillingPeriod, RunWorker.Resolved> current,
                                                   Function<UUID, Optional<String>> keyOf, Set<BillingPeriod> openPeriods) {
        Map<UUID, List<Invoice.Line>> corrections = new LinkedHashMap<>();
        for (BillingPeriod p : closedBefore(msp, q)) {
            if (openPeriods.stream().anyMatch(r -> r.compareTo(p) > 0 && r.compareTo(q) < 0)) {
                continue;
            }
            List<Invoice> issued = invoices.ofPeriod(msp, p).stream().filter(i -> i.status() == InvoiceStatus.ISSUED)
                    .filter(i -> i.runId().isPresent()).toList();
            if (issued.isEmpty()) {
                continue;
            }
            RunWorker.Resolved now = current.apply(p);
            Map<UUID, List<Invoice>> byRun = new LinkedHashMap<>();
            issued.forEach(i -> byRun.computeIfAbsent(i.runId().get(), r -> new ArrayList<>()).add(i));
            for (Map.Entry<UUID, List<Invoice>> run : byRun.entrySet()) {
                Optional<Pinned> pinned = pinned(msp, run.getKey());
                if (pinned.isEmpty() || sameGenerations(pinned.get().sources(), now.sources())) {
                    continue;
                }
                MspConfig config = MspConfigFile.parse("the configuration of bill run " + run.getKey(),
                        pinned.get().yaml(), expression -> { });
                BillResult restated = billing.bill(config, p, now.files(), Optional.empty(), m -> { });
                for (Invoice invoice : run.getValue()) {
                    Optional<CustomerBill> bill = keyOf.apply(invoice.customerAccountId()).flatMap(key ->
                            restated.customers().stream().filter(c -> c.customerId().equals(key)).findFirst());
                    List<Invoice.Line> lines = difference(msp, invoice, bill);
                    if (!lines.isEmpty()) {
                        corrections.computeIfAbsent(invoice.customerAccountId(), c -> new ArrayList<>()).addAll(lines);
                    }
                }
            }
        }
        return corrections;
    }

    /** New rounded lines against issued ones plus earlier corrections, by line description. */
    private List<Invoice.Line> difference(UUID msp, Invoice invoice, Optional<CustomerBill> restated) {
        Map<String, BigDecimal[]> before = new HashMap<>();
        invoice.lines().stream().filter(l -> l.kind() != Invoice.LineKind.TAX && l.kind() != Invoice.LineKind.CORRECTION)
                .forEach(l -> add(before, l.description(), l.exact(), l.amount()));
        jdbc.sql(SQL.get("issued-corrections")).param("msp", msp).param("invoice", invoice.id())
                .query((rs, n) -> add(before, rs.getString("corrects_line"), rs.getBigDecimal("exact"),
                        rs.getBigDecimal("amount"))).list();
        Map<String, BigDecimal[]> after = new HashMap<>();
        restated.ifPresent(bill -> Drafts.lines(bill, Optional.empty(), List.of())
                .forEach(l -> add(after, l.description(), l.exact(), l.amount())));
        Set<String> descriptions = new LinkedHashSet<>();
        restated.ifPresent(bill -> bill.invoice().forEach(l -> descriptions.add(l.service())));
        invoice.lines().forEach(l -> {
            if (l.kind() != Invoice.LineKind.TAX && l.kind() != Invoice.LineKind.CORRECTION) {
                descriptions.add(l.description());
            }
        });
        String number = invoice.number().orElseThrow();
        String period = invoice.period().month().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " "
                + invoice.period().month().getYear();
        List<Invoice.Line> lines = new ArrayList<>();
        for (String d : descriptions) {
            BigDecimal[] a = after.getOrDefault(d, new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            BigDecimal[] b = before.getOrDefault(d, new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            BigDecimal amount = a[1].subtract(b[1]);
            if (amount.signum() != 0) {
                lines.add(new Invoice.Line(Invoice.LineKind.CORRECTION, "Correction to " + number + " (" + period
                        + "): " + d, Optional.of("Correction"), a[0].subtract(b[0]), amount,
                        Optional.of(new Invoice.Correction(invoice.id(), number, d))));
            }
        }
        return lines;
    }

    private static Void add(Map<String, BigDecimal[]> sums, String description, BigDecimal exact, BigDecimal amount) {
        sums.merge(description, new BigDecimal[]{exact, amount}, (x, y) -> new BigDecimal[]{x[0].add(y[0]),
                x[1].add(y[1])});
        return null;
    }

    private List<BillingPeriod> closedBefore(UUID msp, BillingPeriod q) {
        return jdbc.sql(SQL.get("closed-periods")).param("msp", msp).query(String.class).list().stream()
                .map(BillingPeriod::parse).filter(p -> p.compareTo(q) < 0).toList();
    }

    private record Pinned(String yaml, List<BillRun.PinnedSource> sources) {
    }

    private Optional<Pinned> pinned(UUID msp, UUID run) {
        return jdbc.sql(SQL.get("run-config")).param("msp", msp).param("id", run).query((rs, n) -> {
            String yaml = rs.getString("config_yaml");
            List<BillRun.PinnedSource> sources = new ArrayList<>();
            for (JsonNode s : RunStore.JSON.readTree(rs.getString("sources"))) {
                sources.add(new BillRun.PinnedSource(s.path("source").asString(), s.path("integration").asString(),
                        s.path("generation").asString()));
            }
            return new Pinned(yaml, sources);
        }).optional().filter(p -> p.yaml() != null);
    }

    private static boolean sameGenerations(List<BillRun.PinnedSource> a, List<BillRun.PinnedSource> b) {
        Set<String> x = new HashSet<>();
        a.forEach(s -> x.add(s.source() + "@" + s.generation()));
        Set<String> y = new HashSet<>();
        b.forEach(s -> y.add(s.source() + "@" + s.generation()));
        return x.equals(y);
    }
}
