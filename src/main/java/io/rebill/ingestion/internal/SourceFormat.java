package io.rebill.ingestion.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The billing formats Rebill reads, recognised from the header (docs/canonical-line-item.md). */
enum SourceFormat {
    CUR_LEGACY("cur-canonical.sql", "cur-input-amounts.sql"),
    CUR_SNAKE("cur-canonical.sql", "cur-input-amounts.sql"),
    FOCUS("focus-canonical.sql", "focus-input-amounts.sql"),
    /** Azure Cost Management cost details (EA and MCA, actual or amortized). */
    AZURE_COST_DETAILS("azure-canonical.sql", "azure-input-amounts.sql"),
    /** Azure's older pay-as-you-go usage file (PreTaxCost, UsageDateTime). */
    AZURE_USAGE("azure-usage-canonical.sql", "azure-usage-input-amounts.sql"),
    /** Google Cloud's BigQuery billing export (standard or detailed), its columns flattened to dotted names. */
    GCP_BILLING("gcp-canonical.sql", "gcp-input-amounts.sql");

    /** A localised Azure header: {@code Abonnement-GUID (SubscriptionGuid)} names the column SubscriptionGuid. */
    private static final Pattern LOCALISED = Pattern.compile(".*\\(([A-Za-z][A-Za-z0-9_]*)\\)\\s*");

    private final String canonicalSql;
    private final String inputAmountsSql;

    SourceFormat(String canonicalSql, String inputAmountsSql) {
        this.canonicalSql = canonicalSql;
        this.inputAmountsSql = inputAmountsSql;
    }

    String canonicalSql() {
        return canonicalSql;
    }

    String inputAmountsSql() {
        return inputAmountsSql;
    }

    /**
     * The English name of a header: Azure exports in another language write the localised name with the English one
     * in parentheses. Any other header is its own name.
     */
    static String englishName(String column) {
        Matcher m = LOCALISED.matcher(column);
        return m.matches() ? m.group(1) : column;
    }

    static Optional<SourceFormat> detect(Collection<String> columns) {
        Set<String> names = Set.copyOf(columns);
        if (columns.stream().anyMatch(c -> c.startsWith("lineItem/"))) {
            return Optional.of(CUR_LEGACY);
        }
        if (names.contains("line_item_unblended_cost")) {
            return Optional.of(CUR_SNAKE);
        }
        if (names.contains("BilledCost") && names.contains("ChargePeriodStart")) {
            return Optional.of(FOCUS);
        }
        Set<String> keys = columns.stream().map(c -> MappingQuery.key(englishName(c))).collect(Collectors.toSet());
        if (keys.contains("pretaxcost") && keys.contains("usagedatetime")) {
            return Optional.of(AZURE_USAGE);
        }
        if ((keys.contains("costinbillingcurrency") || keys.contains("cost")) && keys.contains("meterid")
                && (keys.contains("subscriptionid") || keys.contains("subscriptionguid"))) {
            return Optional.of(AZURE_COST_DETAILS);
        }
        if (keys.contains("invoicemonth") && keys.contains("cost") && keys.contains("projectid")) {
            return Optional.of(GCP_BILLING);
        }
        return Optional.empty();
    }

    /** Whether an Azure cost-details file is the amortized dataset: Azure names the dataset in the export's path. */
    static boolean isAmortized(java.nio.file.Path path) {
        return path.toString().toLowerCase(Locale.ROOT).contains("amortized");
    }

    static String expectation() {
        return "a CUR header (lineItem/UnblendedCost or line_item_unblended_cost), a FOCUS header"
                + " (BilledCost and ChargePeriodStart), an Azure cost-details header (CostInBillingCurrency, MeterId,"
                + " SubscriptionId), an Azure usage header (PreTaxCost, UsageDateTime) or a Google Cloud billing export"
                + " header (cost, invoice.month, project.id)";
    }
}
