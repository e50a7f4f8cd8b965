package io.rebill.rules;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.internal.BillingRun;
import io.rebill.rules.internal.ReferenceBilling;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: for random line items and random workflows of every per-line rule kind and charges, the SQL engine and
 * the Java reference evaluator agree on every line's customer, charge, exclusion and lineage, and on every charge
 * and credit, to the last decimal. Seeded, so a failure is reproducible from the printed seed.
 */
class EngineMatchesReferenceTest {
    static final BillingPeriod P = BillingPeriod.parse("2024-09");
    static final List<String> ACCOUNTS = List.of("111", "222", "333", "444");
    static final List<String> TYPES = List.of("Usage", "DiscountedUsage", "RIFee", "Fee", "SavingsPlanCoveredUsage",
            "SavingsPlanNegation", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "EdpDiscount", "Tax", "Credit");
    static final List<String> SERVICES = List.of("Amazon Elastic Compute Cloud", "Amazon Simple Storage Service", "AWS Lambda");
    static final List<String> OWNERS = List.of("111", "999", "222");

    @TempDir
    Path dir;

    /** Without CEL in the random rules, predicates are never compiled; CEL has its own SQL-vs-reference property test. */
    static final PredicateCompiler NO_CEL = e -> {
        throw new AssertionError("unexpected CEL " + e);
    };
    static final BiPredicate<String, Map<String, Object>> NO_CEL_REF = (e, l) -> {
        throw new AssertionError("unexpected CEL " + e);
    };

    @Test
    void sqlAndReferenceAgreeOnRandomScenarios() throws Exception {
        long seed = 20261122L;
        Random random = new Random(seed);
        RebillSettings settings = RebillSettings.at(dir);
        for (int scenario = 0; scenario < 120; scenario++) {
            List<Map<String, Object>> lines = randomLines(random, 5 + random.nextInt(40));
            MspConfig config = randomConfig(random);
            try (Connection duck = DuckDb.open(settings)) {
                // costs stored at 24 places; at 10 in 64 bits (what real CUR inputs get) or at 12; or half and half
                // in two files (several inputs or sources of a period). The charge then widens only as the rules need.
                if (scenario % 4 == 1 || scenario % 4 == 3) {
                    compact(lines);
                }
                List<Path> files = switch (scenario % 4) {
                    case 0 -> List.of(write(duck, lines, dir.resolve("lines" + scenario + ".parquet"), 24));
                    case 1 -> List.of(write(duck, lines, dir.resolve("lines" + scenario + ".parquet"),
                            CanonicalColumn.COMPACT_MONEY_SCALE));
                    case 2 -> List.of(write(duck, lines, dir.resolve("lines" + scenario + ".parquet"), 12));
                    default -> List.of(
                            write(duck, lines.subList(0, lines.size() / 2), dir.resolve("lines" + scenario + "a.parquet"),
                                    scenario % 8 == 3 ? CanonicalColumn.COMPACT_MONEY_SCALE : 12),
                            write(duck, lines.subList(lines.size() / 2, lines.size()), dir.resolve("lines" + scenario + "b.parquet"), 24));
                };
                for (int i = 0; i < lines.size(); i++) {
                    lines.get(i).put("line_id", files.size() == 1 ? "lines" + scenario + "-" + i
                            : i < lines.size() / 2 ? "lines" + scenario + "a-" + i : "lines" + scenario + "b-" + (i - lines.size() / 2));
                }
                new BillingRun(duck, config, P, files, NO_CEL, new InvoiceAssembly(), m -> { }).keepingLines("line_id", "lineage").run();
                ReferenceBilling.Result expected = new ReferenceBilling(config, P, NO_CEL_REF).bill(lines);
                String context = "seed " + seed + " scenario " + scenario + " config " + config;
                compare(duck, expected, context);
                // the bill alone never stores its lines: its sums come from one GROUP BY over the rule chain
                BillResult streamed = new BillingRun(duck, config, P, files, NO_CEL, new InvoiceAssembly(), m -> { }).run();
                compareExtras(duck, expected, context);
                compareTotals(streamed, expected, context);
            }
        }
    }

    private static void compare(Connection duck, ReferenceBilling.Result expected, String context) throws Exception {
        Map<String, String> actual = new HashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT line_id, customer_id, charge, excluded, CAST(lineage AS VARCHAR) FROM billed")) {
            while (rs.next()) {
                actual.put(rs.getString(1), rs.getString(2) + " " + plain(rs.getBigDecimal(3)) + " "
                        + (rs.getString(2) == null ? "false" : rs.getBoolean(4)) + " " + normaliseLineage(rs.getString(5)));
            }
        }
        Map<String, String> wanted = new HashMap<>();
        for (ReferenceBilling.Outcome o : expected.lines()) {
            StringBuilder lineage = new StringBuilder("[");
            for (ReferenceBilling.Step st : o.lineage()) {
                lineage.append(lineage.length() > 1 ? ", " : "").append(st.rule()).append(":").append(plain(st.before()))
                        .append(">").append(plain(st.after()));
            }
            wanted.put(o.lineId(), o.customerId() + " " + plain(o.charge()) + " " + o.excluded() + " " + lineage.append("]"));
        }
        assertThat(actual).as(context).isEqualTo(wanted);
        compareExtras(duck, expected, context);
    }

    private static void compareExtras(Connection duck, ReferenceBilling.Result expected, String context) throws Exception {
        Map<String, String> extras = new LinkedHashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT customer_id, rule_id, amount FROM extra ORDER BY customer_id, position")) {
            while (rs.next()) {
                extras.put(rs.getString(1) + "/" + rs.getString(2), plain(rs.getBigDecimal(3)));
            }
        }
        Map<String, String> wantedExtras = new LinkedHashMap<>();
        expected.extras().forEach(e -> wantedExtras.put(e.customerId() + "/" + e.ruleId(), plain(e.amount())));
        assertThat(extras).as(context).isEqualTo(wantedExtras);
    }

    /** Each customer's cost and charge (its lines' plus its charges and credits) as the reference adds them up. */
    private static void compareTotals(BillResult bill, ReferenceBilling.Result expected, String context) {
        Map<String, BigDecimal> cost = new HashMap<>();
        Map<String, BigDecimal> charge = new HashMap<>();
        for (ReferenceBilling.Outcome o : expected.lines()) {
            if (o.customerId() != null) {
                cost.merge(o.customerId(), o.cost(), BigDecimal::add);
                charge.merge(o.customerId(), o.charge(), BigDecimal::add);
            }
        }
        expected.extras().forEach(e -> charge.merge(e.customerId(), e.amount(), BigDecimal::add));
        for (CustomerBill b : bill.customers()) {
            assertThat(plain(b.cost())).as(context + " cost of " + b.customerId())
                    .isEqualTo(plain(cost.getOrDefault(b.customerId(), BigDecimal.ZERO)));
            assertThat(plain(b.charge())).as(context + " charge of " + b.customerId())
                    .isEqualTo(plain(charge.getOrDefault(b.customerId(), BigDecimal.ZERO)));
        }
    }

    /** DuckDB prints [{'rule': r, 'before': 1.000, 'after': 2.000}]; reduce to [r:1>2]. */
    private static String normaliseLineage(String text) {
        if (text == null || text.equals("[]")) {
            return "[]";
        }
        List<String> steps = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("'rule': ([^,]+), 'before': ([-0-9.E]+), 'after': ([-0-9.E]+)").matcher(text);
        while (m.find()) {
            steps.add(m.group(1) + ":" + plain(new BigDecimal(m.group(2))) + ">" + plain(new BigDecimal(m.group(3))));
        }
        return "[" + String.join(", ", steps) + "]";
    }

    static String plain(BigDecimal d) {
        if (d == null) {
            return "null";
        }
        BigDecimal s = d.stripTrailingZeros();
        return s.signum() == 0 ? "0" : s.toPlainString();
    }

    private static BigDecimal money(Random r) {
        BigDecimal v = BigDecimal.valueOf(r.nextLong(2_000_000_000L), r.nextInt(11));
        return r.nextInt(8) == 0 ? v.negate() : v;
    }

    /** Costs of 10^8 or more brought below it (their remainder), so that the lines fit the compact DECIMAL(18,10). */
    private static void compact(List<Map<String, Object>> lines) {
        BigDecimal limit = BigDecimal.TEN.pow(8);
        for (Map<String, Object> l : lines) {
            for (String column : CanonicalColumn.costColumns()) {
                if (l.get(column) instanceof BigDecimal d && d.abs().compareTo(limit) >= 0) {
                    l.put(column, d.remainder(limit));
                }
            }
        }
    }

    static List<Map<String, Object>> randomLines(Random r, int n) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> l = new HashMap<>();
            String type = TYPES.get(r.nextInt(TYPES.size()));
            l.put("billing_period", "2024-09");
            l.put("billing_account_id", "999");
            l.put("sub_account_id", r.nextInt(10) == 0 ? "555" : ACCOUNTS.get(r.nextInt(ACCOUNTS.size())));
            l.put("service_name", SERVICES.get(r.nextInt(SERVICES.size())));
            l.put("x_service_code", "code" + r.nextInt(3));
            l.put("service_category", r.nextBoolean() ? "Compute" : "Storage");
            l.put("x_charge_type", type);
            l.put("charge_category", switch (type) {
                case "Tax" -> "Tax";
                case "Credit" -> "Credit";
                case "RIFee", "Fee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee" -> "Purchase";
                default -> "Usage";
            });
            boolean ri = List.of("DiscountedUsage", "RIFee", "Fee").contains(type);
            boolean sp = type.startsWith("SavingsPlan");
            l.put("commitment_discount_type", ri ? "RI" : sp ? "SP" : null);
            l.put("x_commitment_owner_account_id", ri || sp ? OWNERS.get(r.nextInt(OWNERS.size())) : null);
            // covered usage that costs 0 is not free tier (spec §3), told apart by any one of: its commitment's id
            // (often left out here, so that the type alone must tell), its status Used (FOCUS; also on plain Usage
            // lines, as a provider without CUR's types writes them) or its CUR type
            l.put("commitment_discount_id", (ri || sp) && r.nextBoolean() ? "arn:" + type + ":" + r.nextInt(3) : null);
            boolean covered = type.equals("DiscountedUsage") || type.equals("SavingsPlanCoveredUsage");
            l.put("commitment_discount_status", covered && r.nextBoolean() || type.equals("Usage") && r.nextInt(6) == 0
                    ? "Used" : null);
            l.put("sku_id", "sku" + r.nextInt(4));
            boolean free = r.nextInt(5) == 0;
            l.put("billed_cost", free ? BigDecimal.ZERO : money(r));
            l.put("effective_cost", free ? BigDecimal.ZERO : money(r));
            l.put("list_cost", r.nextInt(6) == 0 ? null : money(r).abs());
            l.put("list_unit_price", r.nextInt(3) == 0 ? null : BigDecimal.valueOf(r.nextInt(100_000), r.nextInt(9)));
            l.put("consumed_quantity", BigDecimal.valueOf(r.nextInt(1_000_000), r.nextInt(7)));
            l.put("billing_currency", "USD");
            l.put("charge_period_start", LocalDateTime.of(2024, 9, 1 + r.nextInt(30), r.nextInt(24), 0));
            lines.add(l);
        }
        return lines;
    }

    static MspConfig randomConfig(Random r) {
        List<Rule> pool = new ArrayList<>();
        pool.add(new Rule.Exclusion("excl", "Exclude", maybeScope(r)));
        pool.add(new Rule.Adjustment("adj", "Adjust", maybeScope(r), BigDecimal.valueOf(r.nextInt(20000), 2)));
        pool.add(new Rule.Uplift("up", "Uplift", maybeScope(r), BigDecimal.valueOf(r.nextInt(100000), 4)));
        pool.add(new Rule.Discount("disc", "Discount", maybeScope(r), BigDecimal.valueOf(r.nextInt(10000), 2)));
        pool.add(new Rule.ReplaceRiDiscount("ri", "RI", Scope.EVERYTHING, r.nextBoolean() ? List.of() : List.of("999")));
        pool.add(new Rule.ReplaceSpDiscount("sp", "SP", Scope.EVERYTHING, r.nextBoolean() ? List.of() : List.of("999", "111")));
        pool.add(new Rule.RerateToList("list", "List", maybeScope(r)));
        pool.add(new Rule.RemoveFreeTier("free", "Free tier", Scope.EVERYTHING,
                r.nextBoolean() ? Map.of() : Map.of("sku1", new BigDecimal("0.0123456789"))));
        pool.add(new Rule.Charge("fee", "Fee", maybeScope(r), r.nextBoolean()
                ? new Rule.Amount.Fixed(BigDecimal.valueOf(r.nextInt(10000), 2))
                : new Rule.Amount.PercentOfSubtotal(BigDecimal.valueOf(r.nextInt(1000), 1),
                r.nextBoolean() ? Optional.empty() : Optional.of(new BigDecimal("5"))),
                Rule.Frequency.MONTHLY, new Rule.InvoiceLabel("Management fee", Optional.empty(), Optional.empty())));
        pool.add(new Rule.Credit("cred", "Credit", Scope.EVERYTHING, new Rule.Amount.PercentOfSubtotal(
                new BigDecimal("2.5"), Optional.empty()), Rule.Frequency.MONTHLY,
                new Rule.InvoiceLabel("Loyalty credit", Optional.empty(), Optional.empty())));
        java.util.Collections.shuffle(pool, r);
        List<Rule> chosen = pool.subList(0, 1 + r.nextInt(pool.size()));
        Workflow w1 = new Workflow("w1", "W1", Workflow.Basis.values()[r.nextInt(3)], chosen.stream().map(Rule::id).toList());
        List<Rule> other = new ArrayList<>(chosen);
        java.util.Collections.reverse(other);
        Workflow w2 = new Workflow("w2", "W2", Workflow.Basis.EFFECTIVE, other.stream().map(Rule::id).toList());
        List<Customer> customers = List.of(
                new Customer("a", "A", "a@x", List.of("111", "222"), Optional.empty()),
                new Customer("b", "B", "b@x", List.of("333", "222"), Optional.empty()),
                new Customer("c", "C", "c@x", List.of("444"), Optional.empty()));
        List<Assignment> assignments = new ArrayList<>(List.of(new Assignment("a", "w1", P), new Assignment("b", "w2", P)));
        if (r.nextBoolean()) {
            assignments.add(new Assignment("c", "w1", BillingPeriod.parse("2024-01")));
        }
        return new MspConfig("MSP", "USD", customers, pool, List.of(w1, w2), assignments);
    }

    private static Scope maybeScope(Random r) {
        if (r.nextBoolean()) {
            return Scope.EVERYTHING;
        }
        return new Scope(r.nextBoolean() ? List.of(SERVICES.get(r.nextInt(3))) : List.of(),
                r.nextInt(3) == 0 ? List.of("Compute") : List.of(),
                r.nextInt(3) == 0 ? List.of(TYPES.get(r.nextInt(TYPES.size()))) : List.of(),
                r.nextInt(3) == 0 ? List.of("Usage", "Tax") : List.of(),
                r.nextInt(4) == 0 ? List.of("111") : List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Writes lines with the canonical schema (missing columns NULL) as one Parquet file, costs at {@code moneyScale} places. */
    static Path write(Connection duck, List<Map<String, Object>> lines, Path file, int moneyScale) throws Exception {
        StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TEMP TABLE fixture (");
        CanonicalColumn[] cols = CanonicalColumn.values();
        for (int i = 0; i < cols.length; i++) {
            ddl.append(i == 0 ? "" : ", ").append(cols[i].column()).append(' ').append(cols[i].storedType(moneyScale));
        }
        try (Statement s = duck.createStatement()) {
            s.execute(ddl.append(")").toString());
        }
        StringBuilder insert = new StringBuilder("INSERT INTO fixture (");
        List<String> names = new ArrayList<>();
        for (CanonicalColumn c : cols) {
            if (c != CanonicalColumn.TAGS) {
                names.add(c.column());
            }
        }
        insert.append(String.join(", ", names)).append(") VALUES (")
                .append(String.join(", ", names.stream().map(n -> "?").toList())).append(")");
        try (PreparedStatement ps = duck.prepareStatement(insert.toString())) {
            for (Map<String, Object> l : lines) {
                for (int i = 0; i < names.size(); i++) {
                    Object v = l.get(names.get(i));
                    ps.setObject(i + 1, v instanceof BigDecimal d ? d.toPlainString()
                            : v instanceof LocalDateTime t ? java.sql.Timestamp.valueOf(t) : v);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT * FROM fixture ORDER BY rowid) TO '" + DuckDb.literal(file.toString()) + "' (FORMAT parquet)");
        }
        return file;
    }
}
