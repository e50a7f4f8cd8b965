package io.rebill.rules.internal;

import io.rebill.shared.duckdb.DuckDb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The rules of FOCUS 1.2 beyond a column's type, nullability and allowed values that a file can break row by row
 * (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, specification/columns/*.md and the 1.2 requirements model), as SQL
 * over the file's columns that {@link FocusConformance} runs. {@code {{file}}} in a rule stands for the whole file,
 * for the rules that compare rows with each other.
 */
public final class FocusRules {
    private FocusRules() {
    }

    /**
     * A rule: {@code violatedWhen} is SQL over the file's columns that is true on a row breaking it; {@code reads} the
     * columns it needs besides {@code column} (a file without one of them is reported missing and the rule skipped).
     */
    public record Rule(String column, String rule, String violatedWhen, List<String> reads) {
        public Rule {
            Objects.requireNonNull(violatedWhen, "violatedWhen");
            reads = List.copyOf(reads);
        }
    }

    /** The price {@link FocusConformance} expects of each unit price column, computed from the file's own columns. */
    static final Map<String, String> EXPECTED_PRICES = Map.of("ContractedCost", "rb_expected_contracted_unit_price",
            "ListCost", "rb_expected_list_unit_price");

    private static final String USAGE_OR_PURCHASE = "ChargeCategory IN ('Usage', 'Purchase') AND ChargeClass IS DISTINCT FROM 'Correction'";

    public static final List<Rule> RULES = rules();

    private static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>(List.of(
                rule("ChargeFrequency", "MUST NOT be \"Usage-Based\" when ChargeCategory is \"Purchase\"",
                        "ChargeCategory = 'Purchase' AND ChargeFrequency = 'Usage-Based'"),
                rule("CommitmentDiscountCategory", "MUST be null when CommitmentDiscountId is null",
                        "CommitmentDiscountId IS NULL AND CommitmentDiscountCategory IS NOT NULL"),
                rule("CommitmentDiscountCategory", "MUST NOT be null when CommitmentDiscountId is not null",
                        "CommitmentDiscountId IS NOT NULL AND CommitmentDiscountCategory IS NULL"),
                rule("CommitmentDiscountName", "MUST be null when CommitmentDiscountId is null",
                        "CommitmentDiscountId IS NULL AND CommitmentDiscountName IS NOT NULL"),
                rule("CommitmentDiscountType", "MUST be null when CommitmentDiscountId is null",
                        "CommitmentDiscountId IS NULL AND CommitmentDiscountType IS NOT NULL"),
                rule("CommitmentDiscountType", "MUST NOT be null when CommitmentDiscountId is not null",
                        "CommitmentDiscountId IS NOT NULL AND CommitmentDiscountType IS NULL"),
                rule("CommitmentDiscountStatus", "MUST be null when CommitmentDiscountId is null",
                        "CommitmentDiscountId IS NULL AND CommitmentDiscountStatus IS NOT NULL"),
                rule("CommitmentDiscountStatus", "MUST NOT be null when CommitmentDiscountId is not null and ChargeCategory is \"Usage\"",
                        "CommitmentDiscountId IS NOT NULL AND ChargeCategory = 'Usage' AND CommitmentDiscountStatus IS NULL"),
                rule("CommitmentDiscountQuantity", "MUST be null when CommitmentDiscountId is null",
                        "CommitmentDiscountId IS NULL AND CommitmentDiscountQuantity IS NOT NULL"),
                rule("CommitmentDiscountUnit", "MUST be null when CommitmentDiscountQuantity is null, and not null when it is not",
                        "(CommitmentDiscountQuantity IS NULL) <> (CommitmentDiscountUnit IS NULL)"),
                rule("ConsumedQuantity", "MUST be null when ChargeCategory is not \"Usage\" or CommitmentDiscountStatus is \"Unused\"",
                        "ConsumedQuantity IS NOT NULL AND (ChargeCategory <> 'Usage' OR CommitmentDiscountStatus = 'Unused')"),
                rule("ConsumedUnit", "MUST be null when ConsumedQuantity is null, and not null when it is not",
                        "(ConsumedQuantity IS NULL) <> (ConsumedUnit IS NULL)"),
                rule("ContractedUnitPrice", "MUST be null when ChargeCategory is \"Tax\"",
                        "ChargeCategory = 'Tax' AND ContractedUnitPrice IS NOT NULL"),
                rule("ContractedUnitPrice", "MUST be a non-negative decimal", "ContractedUnitPrice < 0"),
                rule("ListUnitPrice", "MUST be null when ChargeCategory is \"Tax\"",
                        "ChargeCategory = 'Tax' AND ListUnitPrice IS NOT NULL"),
                rule("ListUnitPrice", "MUST be a non-negative decimal", "ListUnitPrice < 0"),
                rule("PricingCategory", "MUST be null when ChargeCategory is \"Tax\"",
                        "ChargeCategory = 'Tax' AND PricingCategory IS NOT NULL"),
                rule("PricingCategory", "MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" and ChargeClass is not \"Correction\"",
                        USAGE_OR_PURCHASE + " AND PricingCategory IS NULL"),
                rule("PricingCategory", "MUST be \"Committed\" exactly when the usage is covered by a commitment discount (CommitmentDiscountStatus \"Used\")",
                        "(PricingCategory = 'Committed') <> (ChargeCategory = 'Usage' AND CommitmentDiscountStatus IS NOT DISTINCT FROM 'Used')"),
                rule("PricingQuantity", "MUST be null when ChargeCategory is \"Tax\"",
                        "ChargeCategory = 'Tax' AND PricingQuantity IS NOT NULL"),
                rule("PricingQuantity", "MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" and ChargeClass is not \"Correction\"",
                        USAGE_OR_PURCHASE + " AND PricingQuantity IS NULL"),
                rule("PricingUnit", "MUST be null when ChargeCategory is \"Tax\"",
                        "ChargeCategory = 'Tax' AND PricingUnit IS NOT NULL"),
                rule("PricingUnit", "MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" and ChargeClass is not \"Correction\"",
                        USAGE_OR_PURCHASE + " AND PricingUnit IS NULL"),
                rule("RegionName", "MUST NOT be null when RegionId is not null", "RegionId IS NOT NULL AND RegionName IS NULL"),
                rule("ResourceName", "MUST be null when ResourceId is null", "ResourceId IS NULL AND ResourceName IS NOT NULL"),
                rule("ResourceType", "MUST be null when ResourceId is null", "ResourceId IS NULL AND ResourceType IS NOT NULL"),
                rule("SubAccountName", "MUST be null when SubAccountId is null, and not null when it is not",
                        "(SubAccountId IS NULL) <> (SubAccountName IS NULL)"),
                rule("SubAccountType", "MUST be null when SubAccountId is null, and not null when it is not",
                        "(SubAccountId IS NULL) <> (SubAccountType IS NULL)"),
                rule("BillingCurrency", "MUST be an ISO 4217 currency code", "NOT regexp_full_match(BillingCurrency, '[A-Z]{3}')"),
                rule("PricingCurrency", "MUST be an ISO 4217 currency code", "NOT regexp_full_match(PricingCurrency, '[A-Z]{3}')"),
                rule("ChargePeriodEnd", "MUST be after ChargePeriodStart", "ChargePeriodEnd < ChargePeriodStart"),
                rule("BillingPeriodEnd", "MUST be after BillingPeriodStart", "BillingPeriodEnd <= BillingPeriodStart"),
                rule("ServiceSubcategory", "MUST belong to the row's ServiceCategory", subcategoryParentViolated())));
        rules.addAll(unitPriceRules("ContractedUnitPrice", "ContractedCost"));
        rules.addAll(unitPriceRules("ListUnitPrice", "ListCost"));
        rules.addAll(List.of(
                rule("PricingUnit", "MUST be null when PricingQuantity is null, and not null when it is not",
                        "(PricingQuantity IS NULL) <> (PricingUnit IS NULL)", "PricingQuantity"),
                rule("SkuMeter", "MUST be null when SkuId is null", "SkuId IS NULL AND SkuMeter IS NOT NULL", "SkuId"),
                rule("SkuPriceId", "MUST be null when ChargeCategory is \"Tax\"",
                        "ChargeCategory = 'Tax' AND SkuPriceId IS NOT NULL", "ChargeCategory"),
                // SkuPriceId-C-008-M: a price id names a price of one SKU, so it has one SkuId in the whole file
                rule("SkuPriceId", "MUST have one and only one parent SkuId", "SkuPriceId IN (SELECT SkuPriceId FROM {{file}}"
                        + " WHERE SkuPriceId IS NOT NULL GROUP BY SkuPriceId HAVING count(DISTINCT SkuId) <> 1"
                        + " OR count(SkuId) < count(*))", "SkuId"),
                rule("SkuPriceDetails", "MUST be null when SkuPriceId is null",
                        "SkuPriceId IS NULL AND SkuPriceDetails IS NOT NULL", "SkuPriceId")));
        return List.copyOf(rules);
    }

    /**
     * A unit price's rules (FOCUS 1.2 ContractedUnitPrice and ListUnitPrice, ContractedCost and ListCost): not null on
     * usage and purchases, and its product with PricingQuantity matches the cost. "Matches": the price is the cost
     * divided by the quantity rounded half-up at its 24 places ({@link FocusUnitPrices}), so the product is within half
     * a unit of that place times the quantity; FOCUS leaves the precision to the provider (Numeric Format, "Numeric
     * Precision"). Exempt from "not null": the rows no non-negative price can give the cost (a quantity of zero with a
     * cost, a cost and a quantity of opposite signs, such as a discount in a row of its own), which FOCUS's discount
     * handling does not foresee (docs/billing.md). A credit without a price costs what it bills.
     */
    private static List<Rule> unitPriceRules(String price, String cost) {
        String noPriceFits = "COALESCE((PricingQuantity IS NULL OR PricingQuantity = 0) AND " + cost + " <> 0 OR ("
                + cost + " < 0) <> (PricingQuantity < 0) AND " + cost + " <> 0, false)";
        return List.of(
                rule(price, "MUST NOT be null when ChargeCategory is \"Usage\" or \"Purchase\" and ChargeClass is not"
                                + " \"Correction\", unless no non-negative price times PricingQuantity gives " + cost,
                        USAGE_OR_PURCHASE + " AND " + price + " IS NULL AND NOT " + noPriceFits, cost, "PricingQuantity",
                        "ChargeCategory", "ChargeClass"),
                rule(price, "times PricingQuantity MUST match " + cost + " when PricingQuantity is not null and ChargeClass"
                                + " is not \"Correction\" (" + cost + " / PricingQuantity rounded half-up at 24 places)",
                        price + " IS NOT NULL AND PricingQuantity IS NOT NULL AND ChargeClass IS DISTINCT FROM 'Correction'"
                                + " AND CASE WHEN PricingQuantity = 0 THEN " + cost + " <> 0 ELSE " + price
                                + " IS DISTINCT FROM " + EXPECTED_PRICES.get(cost) + " END", cost, "PricingQuantity", "ChargeClass"),
                rule(cost, "MUST match BilledCost when " + price + " is null and ChargeCategory is \"Credit\"",
                        "ChargeCategory = 'Credit' AND " + price + " IS NULL AND " + cost + " IS DISTINCT FROM BilledCost",
                        price, "ChargeCategory", "BilledCost"));
    }

    private static Rule rule(String column, String rule, String violatedWhen, String... reads) {
        return new Rule(column, rule, violatedWhen, List.of(reads));
    }

    private static String subcategoryParentViolated() {
        return "ServiceSubcategory IS NOT NULL AND NOT (" + FocusColumns.SUBCATEGORY_PARENT.entrySet().stream()
                .map(e -> "(ServiceSubcategory = '" + DuckDb.literal(e.getKey()) + "' AND ServiceCategory = '"
                        + DuckDb.literal(e.getValue()) + "')").collect(Collectors.joining(" OR ")) + ")";
    }
}
