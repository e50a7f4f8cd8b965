package io.rebill.rules.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.duckdb.DuckDb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The FOCUS 1.2 columns of a customer's line_items file (issue 12 item 8, spec §5), encoded once: each column's
 * feature level, type, nullability and allowed values as FOCUS 1.2 states them (FinOps-Open-Cost-and-Usage-Spec
 * FOCUS_Spec, specification/columns/*.md), the SQL that fills it for a billed line and for a charge or credit row,
 * and the conditional rules ("MUST be null when ...") that {@link FocusConformance} checks every file against.
 * <p>
 * The line SQL reads the grouped lines ({@link BillOutputs#LINE_COLUMNS}) and one row of context, {@code rb_ctx}
 * (rb_customer, rb_customer_name, rb_msp, rb_period_start, rb_period_end, rb_currency, rb_invoice_id); the extra
 * SQL reads {@code rb_extra} (extra: customer_id, rule_id, title, kind, service, amount, position, frequency) and
 * the same context. docs/billing.md says what each column holds and where it comes from.
 */
public final class FocusColumns {
    private FocusColumns() {
    }

    public enum Level { MANDATORY, CONDITIONAL, RECOMMENDED }

    /** FOCUS data types: String, Decimal, Date/Time (UTC), Key-Value Format (a JSON object). */
    public enum Type { STRING, DECIMAL, DATETIME, JSON }

    /**
     * One FOCUS column. {@code nullable} is false where FOCUS says "MUST NOT be null" outright (or where the
     * exception does not apply to Rebill, e.g. BillingAccountName: Rebill always has the customer's name).
     */
    public record Column(String name, Level level, Type type, boolean nullable, List<String> allowed, String lineSql,
                         String extraSql) {
        public Column {
            Objects.requireNonNull(name, "name");
            allowed = List.copyOf(allowed);
        }
    }

    static final String MONEY = BillingRun.MONEY;
    private static final String NO = "NULL";

    public static final List<String> SERVICE_CATEGORIES = List.of("AI and Machine Learning", "Analytics",
            "Business Applications", "Compute", "Databases", "Developer Tools", "Multicloud", "Identity", "Integration",
            "Internet of Things", "Management and Governance", "Media", "Migration", "Mobile", "Networking", "Security",
            "Storage", "Web", "Other");

    /** ServiceSubcategory's allowed values (FOCUS 1.2) and the one ServiceCategory each belongs to. */
    public static final Map<String, String> SUBCATEGORY_PARENT = subcategories();

    /**
     * The service categories the ingestion lookup gives that FOCUS 1.2 does not allow, as FOCUS files them:
     * AWS Support is Management and Governance / Support, WorkSpaces and AppStream are Compute / End User Computing.
     */
    private static final String SERVICE_CATEGORY_SQL = "CASE WHEN service_category IN (" + quoted(SERVICE_CATEGORIES)
            + ") THEN service_category WHEN service_category = 'Support' THEN 'Management and Governance'"
            + " WHEN service_category = 'End User' THEN 'Compute' ELSE 'Other' END";

    /** The best-fitting subcategory for the services most bills hold; "Other (category)" for the rest. */
    private static final Map<String, String> SUBCATEGORY_OF_SERVICE = Map.ofEntries(
            Map.entry("AmazonEC2", "Virtual Machines"), Map.entry("AmazonLightsail", "Virtual Machines"),
            Map.entry("AWSLambda", "Serverless Compute"), Map.entry("AmazonECS", "Containers"),
            Map.entry("AmazonEKS", "Containers"), Map.entry("AmazonWorkSpaces", "End User Computing"),
            Map.entry("AmazonS3", "Object Storage"), Map.entry("AmazonEFS", "Files"), Map.entry("AWSBackup", "Backups"),
            Map.entry("AmazonRDS", "Relational"), Map.entry("AmazonDynamoDB", "NoSQL"),
            Map.entry("AmazonElastiCache", "Caching"), Map.entry("AmazonRedshift", "Data Warehouse"),
            Map.entry("AmazonCloudFront", "Content Delivery"), Map.entry("AWSDataTransfer", "Data Transfer"),
            Map.entry("AWSELB", "Load Balancing"), Map.entry("AmazonVPC", "Network Management"),
            Map.entry("AmazonCloudWatch", "Observability"), Map.entry("AWSCloudTrail", "Observability"),
            Map.entry("AWSSupportBusiness", "Support"), Map.entry("AWSSupportEnterprise", "Support"),
            Map.entry("AWSDeveloperSupport", "Support"), Map.entry("AWSSecretsManager", "Credentials"),
            Map.entry("AmazonGuardDuty", "Threat Detection"), Map.entry("AmazonSNS", "Messaging"),
            Map.entry("AWSQueueService", "Messaging"), Map.entry("AmazonKinesis", "Streaming Analytics"),
            Map.entry("AmazonAthena", "Analytics Platform"), Map.entry("AWSGlue", "Data Processing"),
            Map.entry("AmazonSageMaker", "Machine Learning"), Map.entry("AmazonBedrock", "Generative AI"));

    /** The readable type of the account a line was used in, by provider (FOCUS: a consistent display value). */
    private static final String SUB_ACCOUNT_TYPE_SQL = "CASE WHEN sub_account_id IS NULL THEN NULL"
            + " WHEN provider_name ILIKE 'AWS%' OR provider_name ILIKE 'Amazon%' THEN 'AWS Account'"
            + " WHEN provider_name ILIKE 'Microsoft%' OR provider_name ILIKE 'Azure%' THEN 'Subscription'"
            + " WHEN provider_name ILIKE 'Google%' THEN 'Project' ELSE 'Account' END";

    private static final String UNUSED = "commitment_discount_status = 'Unused'";
    /**
     * A Savings Plan's negation line (CUR: the covered usage's on-demand cost taken off again, carrying the plan's
     * ARN) is usage the plan covers: "Used", as FOCUS wants a status on every usage row with a commitment id.
     */
    private static final String STATUS = "CASE WHEN x_charge_type = 'SavingsPlanNegation' AND commitment_discount_id IS NOT NULL"
            + " AND charge_category = 'Usage' THEN 'Used' ELSE commitment_discount_status END";
    private static final String SPEND = "commitment_discount_type = 'SP'";
    private static final String CONSUMED = "CASE WHEN charge_category = 'Usage' AND " + UNUSED.replace("=", "IS DISTINCT FROM")
            + " THEN consumed_quantity END";
    private static final String PRICED = "CASE WHEN charge_category <> 'Tax' THEN ";
    /** A line's unit; a quantity the provider gives no unit for (CUR's reservation and Savings Plan fees) counts units. */
    private static final String UNIT = "COALESCE(pricing_unit, 'Units')";
    /**
     * The unit prices of a line (FocusUnitPrices, computed by {@link #linePrelude}): the cost over the pricing quantity;
     * with no quantity and no cost any price fits, and FOCUS's default is the list price.
     */
    private static final String CONTRACTED_UNIT_PRICE = "CASE WHEN rb_pricing_quantity = 0 AND charge = 0 THEN"
            + " CASE WHEN list_unit_price >= 0 THEN list_unit_price ELSE 0 END ELSE rb_contracted_unit_price END";
    /** The list cost a price is computed from: ListCost's, a line without one lists at what it bills. */
    private static final String LISTED = "COALESCE(list_cost, charge)";
    private static final String LIST_UNIT_PRICE = "CASE WHEN rb_pricing_quantity = 0 AND " + LISTED + " = 0 THEN"
            + " CASE WHEN list_unit_price >= 0 THEN list_unit_price ELSE 0 END ELSE rb_list_unit_price END";
    /** A charge is one unit (a month or a one-time unit) at its amount; a credit has no price. */
    private static final String UNIT_PRICE_OF_CHARGE = "CASE WHEN kind = 'charge' AND amount >= 0 THEN amount END";

    public static final List<Column> ALL = List.of(
            column("AvailabilityZone", Level.RECOMMENDED, Type.STRING, true, "availability_zone", NO),
            column("BilledCost", Level.MANDATORY, Type.DECIMAL, false, "charge", "amount"),
            column("BillingAccountId", Level.MANDATORY, Type.STRING, false, "rb_customer", "rb_customer"),
            column("BillingAccountName", Level.MANDATORY, Type.STRING, false, "rb_customer_name", "rb_customer_name"),
            column("BillingAccountType", Level.CONDITIONAL, Type.STRING, false, "'Customer'", "'Customer'"),
            column("BillingCurrency", Level.MANDATORY, Type.STRING, false, "billing_currency", "rb_currency"),
            column("BillingPeriodEnd", Level.MANDATORY, Type.DATETIME, false, "rb_period_end", "rb_period_end"),
            column("BillingPeriodStart", Level.MANDATORY, Type.DATETIME, false, "rb_period_start", "rb_period_start"),
            column("CapacityReservationId", Level.CONDITIONAL, Type.STRING, true, "CAST(NULL AS VARCHAR)", NO),
            column("CapacityReservationStatus", Level.CONDITIONAL, Type.STRING, true, List.of("Used", "Unused"),
                    "CAST(NULL AS VARCHAR)", NO),
            column("ChargeCategory", Level.MANDATORY, Type.STRING, false,
                    List.of("Usage", "Purchase", "Tax", "Credit", "Adjustment"), "charge_category",
                    "CASE kind WHEN 'credit' THEN 'Credit' WHEN 'correction' THEN 'Adjustment' ELSE 'Purchase' END"),
            column("ChargeClass", Level.MANDATORY, Type.STRING, true, List.of("Correction"), "charge_class",
                    "CASE WHEN kind = 'correction' THEN 'Correction' END"),
            column("ChargeDescription", Level.MANDATORY, Type.STRING, true, "charge_description", "title"),
            column("ChargeFrequency", Level.RECOMMENDED, Type.STRING, false, List.of("One-Time", "Recurring", "Usage-Based"),
                    "CASE WHEN charge_category = 'Purchase' THEN CASE WHEN x_charge_type IN ('Fee', 'SavingsPlanUpfrontFee')"
                            + " THEN 'One-Time' ELSE 'Recurring' END WHEN charge_category IN ('Credit', 'Adjustment')"
                            + " THEN 'One-Time' ELSE 'Usage-Based' END", "frequency"),
            // a correction row's charge period is the closed period it corrects (FOCUS: ChargeClass Correction)
            column("ChargePeriodEnd", Level.MANDATORY, Type.DATETIME, false, "charge_period_end",
                    "COALESCE(corrects_end, rb_period_end)"),
            column("ChargePeriodStart", Level.MANDATORY, Type.DATETIME, false, "charge_period_start",
                    "COALESCE(corrects_start, rb_period_start)"),
            column("CommitmentDiscountCategory", Level.CONDITIONAL, Type.STRING, true, List.of("Spend", "Usage"),
                    "CASE WHEN commitment_discount_id IS NOT NULL THEN CASE WHEN " + SPEND + " THEN 'Spend' ELSE 'Usage' END END", NO),
            column("CommitmentDiscountId", Level.CONDITIONAL, Type.STRING, true, "commitment_discount_id", NO),
            // an ARN's last part names the plan or reservation (arn:aws:savingsplans::123:savingsplan/NAME)
            column("CommitmentDiscountName", Level.CONDITIONAL, Type.STRING, true,
                    "NULLIF(regexp_extract(commitment_discount_id, '([^/:]+)$', 1), '')", NO),
            // Spend: the amount of the commitment a line draws (its amortised cost) or buys (the fee); Usage: units
            column("CommitmentDiscountQuantity", Level.CONDITIONAL, Type.DECIMAL, true,
                    "CASE WHEN commitment_discount_id IS NOT NULL AND charge_category IN ('Usage', 'Purchase') THEN CASE WHEN "
                            + SPEND + " THEN CASE WHEN charge_category = 'Usage' THEN CAST(effective_cost AS " + MONEY + ")"
                            + " ELSE CAST(billed_cost AS " + MONEY + ") END ELSE consumed_quantity END END", NO),
            column("CommitmentDiscountStatus", Level.CONDITIONAL, Type.STRING, true, List.of("Used", "Unused"), STATUS, NO),
            column("CommitmentDiscountType", Level.CONDITIONAL, Type.STRING, true,
                    "CASE commitment_discount_type WHEN 'SP' THEN 'Savings Plan' WHEN 'RI' THEN 'Reserved Instance'"
                            + " ELSE commitment_discount_type END", NO),
            column("CommitmentDiscountUnit", Level.CONDITIONAL, Type.STRING, true,
                    "CASE WHEN commitment_discount_id IS NOT NULL AND charge_category IN ('Usage', 'Purchase') THEN CASE WHEN "
                            + SPEND + " THEN billing_currency ELSE " + UNIT + " END END", NO),
            column("ConsumedQuantity", Level.CONDITIONAL, Type.DECIMAL, true, CONSUMED, NO),
            column("ConsumedUnit", Level.CONDITIONAL, Type.STRING, true,
                    "CASE WHEN (" + CONSUMED + ") IS NOT NULL THEN " + UNIT + " END", NO),
            column("ContractedCost", Level.MANDATORY, Type.DECIMAL, false, "charge", "amount"),
            // the customer's charge over the pricing quantity, exact (FocusUnitPrices), so that price x quantity = cost
            column("ContractedUnitPrice", Level.CONDITIONAL, Type.DECIMAL, true, CONTRACTED_UNIT_PRICE, UNIT_PRICE_OF_CHARGE),
            column("EffectiveCost", Level.MANDATORY, Type.DECIMAL, false, "charge", "amount"),
            column("InvoiceId", Level.RECOMMENDED, Type.STRING, true, "rb_invoice_id", "rb_invoice_id"),
            column("InvoiceIssuerName", Level.MANDATORY, Type.STRING, false, "rb_msp", "rb_msp"),
            // a credit without a list price, and any line without a list cost (tax, fees, a discount's own line: CUR
            // leaves their public on-demand cost empty), lists at what it bills: FOCUS 1.2 ListCost is never null
            column("ListCost", Level.MANDATORY, Type.DECIMAL, false, "CASE WHEN charge_category = 'Credit' AND ("
                    + LIST_UNIT_PRICE + ") IS NULL THEN charge ELSE CAST(" + LISTED + " AS " + MONEY + ") END",
                    "amount"),
            column("ListUnitPrice", Level.CONDITIONAL, Type.DECIMAL, true, LIST_UNIT_PRICE, UNIT_PRICE_OF_CHARGE),
            column("PricingCategory", Level.CONDITIONAL, Type.STRING, true, List.of("Standard", "Dynamic", "Committed", "Other"),
                    "CASE WHEN charge_category NOT IN ('Usage', 'Purchase') THEN NULL WHEN charge_category = 'Usage' AND"
                            + " (" + STATUS + ") = 'Used' THEN 'Committed' WHEN x_usage_type LIKE '%SpotUsage%'"
                            + " THEN 'Dynamic' ELSE 'Standard' END",
                    "CASE WHEN kind = 'charge' THEN 'Standard' END"),
            column("PricingCurrency", Level.CONDITIONAL, Type.STRING, false, "billing_currency", "rb_currency"),
            column("PricingCurrencyContractedUnitPrice", Level.CONDITIONAL, Type.DECIMAL, true, CONTRACTED_UNIT_PRICE,
                    UNIT_PRICE_OF_CHARGE),
            column("PricingCurrencyEffectiveCost", Level.CONDITIONAL, Type.DECIMAL, false, "charge", "amount"),
            column("PricingCurrencyListUnitPrice", Level.CONDITIONAL, Type.DECIMAL, true, LIST_UNIT_PRICE,
                    UNIT_PRICE_OF_CHARGE),
            column("PricingQuantity", Level.MANDATORY, Type.DECIMAL, true, PRICED + "consumed_quantity END",
                    "CASE WHEN kind = 'charge' THEN CAST(1 AS DECIMAL(38,24)) END"),
            column("PricingUnit", Level.MANDATORY, Type.STRING, true, PRICED + "CASE WHEN consumed_quantity IS NOT NULL"
                    + " THEN " + UNIT + " END END",
                    "CASE WHEN kind = 'charge' THEN CASE frequency WHEN 'Recurring' THEN 'Month' ELSE 'Unit' END END"),
            column("ProviderName", Level.MANDATORY, Type.STRING, false, "rb_msp", "rb_msp"),
            column("PublisherName", Level.MANDATORY, Type.STRING, false, "provider_name", "rb_msp"),
            column("RegionId", Level.CONDITIONAL, Type.STRING, true, "region_id", NO),
            column("RegionName", Level.CONDITIONAL, Type.STRING, true, regionNameSql(), NO),
            column("ResourceId", Level.CONDITIONAL, Type.STRING, true, "resource_id", NO),
            // AWS resources have no display name of their own; the Name tag is the one the console shows
            column("ResourceName", Level.CONDITIONAL, Type.STRING, true,
                    "CASE WHEN resource_id IS NOT NULL THEN " + CanonicalColumn.tagValueSql("tags", "'Name'") + " END", NO),
            column("ResourceType", Level.CONDITIONAL, Type.STRING, true, resourceTypeSql(), NO),
            column("ServiceCategory", Level.MANDATORY, Type.STRING, false, SERVICE_CATEGORIES, "rb_service_category",
                    "'Other'"),
            column("ServiceName", Level.MANDATORY, Type.STRING, false, "service_name", "COALESCE(service, title)"),
            column("ServiceSubcategory", Level.RECOMMENDED, Type.STRING, false, List.copyOf(SUBCATEGORY_PARENT.keySet()),
                    subcategorySql(), "'Other (Other)'"),
            column("SkuId", Level.CONDITIONAL, Type.STRING, true, "sku_id", NO),
            column("SkuMeter", Level.CONDITIONAL, Type.STRING, true, "CASE WHEN sku_id IS NOT NULL THEN x_usage_type END", NO),
            column("SkuPriceDetails", Level.CONDITIONAL, Type.JSON, true, "CAST(NULL AS JSON)", NO),
            // the provider's price id (CUR pricing/RateCode, FOCUS SkuPriceId); null on tax and on the MSP's charges
            column("SkuPriceId", Level.CONDITIONAL, Type.STRING, true, PRICED + "sku_price_id END", NO),
            column("SubAccountId", Level.CONDITIONAL, Type.STRING, true, "sub_account_id", NO),
            // the provider's name of the account where its export has one (CUR 2.0, FOCUS, Azure, Google Cloud),
            // else its id: FOCUS wants a name whenever there is an id
            column("SubAccountName", Level.CONDITIONAL, Type.STRING, true, "COALESCE(sub_account_name, sub_account_id)", NO),
            column("SubAccountType", Level.CONDITIONAL, Type.STRING, true, SUB_ACCOUNT_TYPE_SQL, NO),
            column("Tags", Level.CONDITIONAL, Type.JSON, true, "to_json(" + CanonicalColumn.tagMapSql("tags") + ")", NO));

    /** Rebill's lineage columns after the FOCUS ones (spec §5). */
    static final Map<String, String[]> LINEAGE = lineage();

    /** The SELECT list for the billed lines, in file order: the FOCUS columns, then the lineage ones. */
    static String lineSelect() {
        return select(0, false);
    }

    /** The SELECT list for the charges and credits, in the same order. */
    static String extraSelect() {
        return select(1, false);
    }

    /**
     * The customer's own FOCUS file (issue 12, served on request): the same columns, without the MSP's
     * {@link #MSP_ONLY} ones, and a Savings Plan's CommitmentDiscountQuantity in the customer's charge instead of the
     * MSP's amortised cost, so that the file holds nothing of what the MSP pays.
     */
    static String customerLineSelect() {
        return select(0, true);
    }

    /** The charges, credits and corrections of the customer's file, in the same order as {@link #customerLineSelect}. */
    static String customerExtraSelect() {
        return select(1, true);
    }

    /** Lineage columns that show the MSP's cost and rules; never in a customer's file. */
    static final List<String> MSP_ONLY = List.of("x_OriginalCost", "x_Lineage");

    private static String select(int part, boolean customer) {
        List<String> items = new ArrayList<>();
        for (Column c : ALL) {
            String sql = part == 0 ? c.lineSql() : c.extraSql();
            if (customer && part == 0 && c.name().equals("CommitmentDiscountQuantity")) {
                sql = sql.replace("effective_cost", "charge").replace("billed_cost", "charge");
            }
            items.add(cast(sql, c.type()) + " AS " + c.name());
        }
        LINEAGE.forEach((name, sql) -> {
            if (!customer || !MSP_ONLY.contains(name)) {
                items.add(sql[part] + " AS " + name);
            }
        });
        return String.join(", ", items);
    }

    /** Both halves of the union get the same type, so the file's schema does not depend on which rows it holds. */
    private static String cast(String sql, Type type) {
        return switch (type) {
            case STRING -> "CAST(" + sql + " AS VARCHAR)";
            case DECIMAL -> "CAST(" + sql + " AS " + MONEY + ")";
            case DATETIME -> "CAST(" + sql + " AS TIMESTAMP)";
            case JSON -> "CAST(" + sql + " AS JSON)";
        };
    }

    private static Column column(String name, Level level, Type type, boolean nullable, String line, String extra) {
        return new Column(name, level, type, nullable, List.of(), line, extra);
    }

    private static Column column(String name, Level level, Type type, boolean nullable, List<String> allowed, String line,
                                 String extra) {
        return new Column(name, level, type, nullable, allowed, line, extra);
    }

    private static Map<String, String[]> lineage() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("x_LineId", new String[]{"line_id", "rule_id"});
        m.put("x_ChargeType", new String[]{"x_charge_type", "kind"});
        m.put("x_ServiceCode", new String[]{"x_service_code", "CAST(NULL AS VARCHAR)"});
        m.put("x_UsageType", new String[]{"x_usage_type", "CAST(NULL AS VARCHAR)"});
        m.put("x_OriginalCost", new String[]{"cost", "CAST(NULL AS " + MONEY + ")"});
        m.put("x_Lineage", new String[]{"lineage", "NULL"});
        return m;
    }

    /**
     * {@code lines} (a FROM of grouped lines) with what the line SQL reads beside their columns: the FOCUS service
     * category, computed once per line for ServiceCategory and ServiceSubcategory both (DuckDB does not merge repeated
     * CASE expressions), and the unit prices (rb_contracted_unit_price, rb_list_unit_price: {@link FocusUnitPrices}).
     */
    static String linePrelude(String lines) {
        return FocusUnitPrices.withPrices("(SELECT *, " + SERVICE_CATEGORY_SQL + " AS rb_service_category, "
                + PRICED + "consumed_quantity END AS rb_pricing_quantity FROM " + lines + ")", "rb_pricing_quantity",
                PRICES);
    }

    private static final Map<String, String> PRICES = Map.of("charge", "rb_contracted_unit_price", LISTED,
            "rb_list_unit_price");

    private static String subcategorySql() {
        StringBuilder sb = new StringBuilder("CASE");
        SUBCATEGORY_OF_SERVICE.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(" WHEN x_service_code = '")
                .append(DuckDb.literal(e.getKey())).append("' AND rb_service_category = '")
                .append(DuckDb.literal(SUBCATEGORY_PARENT.get(e.getValue()))).append("' THEN '")
                .append(DuckDb.literal(e.getValue())).append('\''));
        return sb.append(" ELSE 'Other (' || rb_service_category || ')' END").toString();
    }

    /** The region's display name: AWS's names for its region codes; another provider's id stands for its name. */
    private static String regionNameSql() {
        StringBuilder sb = new StringBuilder("CASE WHEN region_id IS NULL THEN NULL");
        csv("aws-region-names.csv").forEach((id, name) -> sb.append(" WHEN region_id = '").append(DuckDb.literal(id))
                .append("' THEN '").append(DuckDb.literal(name)).append('\''));
        return sb.append(" ELSE region_id END").toString();
    }

    /**
     * The type an ARN names (arn:aws:SERVICE:REGION:ACCOUNT:TYPE/ID or TYPE:ID; S3's arn:aws:s3:::BUCKET/KEY is a
     * bucket), or the kind an EC2 id's prefix names.
     */
    private static String resourceTypeSql() {
        return "CASE WHEN resource_id IS NULL THEN NULL"
                + " WHEN resource_id LIKE 'arn:%:s3:::%' THEN 'Bucket'"
                + " WHEN resource_id LIKE 'arn:%' THEN NULLIF(regexp_extract(resource_id, '^arn:[^:]*:[^:]*:[^:]*:[^:]*:([^:/]+)[:/]', 1), '')"
                + " WHEN resource_id LIKE 'i-%' THEN 'Instance' WHEN resource_id LIKE 'vol-%' THEN 'Volume'"
                + " WHEN resource_id LIKE 'snap-%' THEN 'Snapshot' WHEN resource_id LIKE 'eni-%' THEN 'Network Interface'"
                + " WHEN resource_id LIKE 'nat-%' THEN 'NAT Gateway' WHEN resource_id LIKE 'eipalloc-%' THEN 'Elastic IP'"
                + " END";
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "'" + DuckDb.literal(v) + "'").collect(Collectors.joining(", "));
    }

    private static Map<String, String> subcategories() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "AI and Machine Learning", "Bots", "Generative AI", "Machine Learning", "Natural Language Processing");
        put(m, "Analytics", "Analytics Platform", "Business Intelligence", "Data Processing", "Search", "Streaming Analytics");
        put(m, "Business Applications");
        put(m, "Compute", "Containers", "End User Computing", "Quantum", "Serverless Compute", "Virtual Machines");
        put(m, "Databases", "Caching", "Data Warehouse", "Ledger", "NoSQL", "Relational", "Time Series");
        put(m, "Developer Tools");
        put(m, "Identity");
        put(m, "Integration", "API Management", "Messaging", "Workflow Automation");
        put(m, "Internet of Things");
        put(m, "Management and Governance", "Administration", "Architecture", "Compliance", "Cost Management",
                "Data Governance", "Disaster Recovery", "Observability", "Support");
        put(m, "Media");
        put(m, "Migration");
        put(m, "Mobile");
        put(m, "Multicloud");
        put(m, "Networking", "Content Delivery", "Data Transfer", "Load Balancing", "Network Management", "Network Security");
        put(m, "Security", "CSPM", "Credentials", "SIEM", "Threat Detection");
        put(m, "Storage", "Backups", "Bulk Transfer", "Disk", "Files", "Object Storage");
        put(m, "Web");
        put(m, "Other");
        return Map.copyOf(m);
    }

    private static void put(Map<String, String> m, String category, String... subcategories) {
        for (String s : subcategories) {
            m.put(s, category);
        }
        m.put("Other (" + category + ")", category);
    }

    private static Map<String, String> csv(String resource) {
        Map<String, String> m = new LinkedHashMap<>();
        try (InputStream in = FocusColumns.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " beside " + FocusColumns.class.getName());
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int comma = line.indexOf(',');
                m.put(line.substring(0, comma), line.substring(comma + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}
