package io.rebill.demo;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One sample of 20,000 lines in all four formats, read back with DuckDB: realism of the content and, above all,
 * that the formats describe the same line items under the mapping of docs/canonical-line-item.md.
 */
class GeneratedDataTest {
    private static final String PAYER = "123456789012";
    private static final long ROWS = 20_000;

    @TempDir
    static Path dir;
    private static GeneratedFiles generated;
    private static Connection db;

    @BeforeAll
    static void generate() throws SQLException {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        GeneratorSpec spec = new GeneratorSpec(20240901, ROWS, 50, 10, List.of(YearMonth.of(2024, 9)), PAYER);
        generated = new BillingDataGenerator().generate(spec, dir.resolve("out"), EnumSet.allOf(Format.class),
                settings);
        db = DuckDb.open(settings);
        Path out = dir.resolve("out");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE VIEW cur AS FROM read_csv('" + glob(out, "cur-csv", "*.csv.gz")
                    + "', header = true, all_varchar = true)");
            s.execute("CREATE VIEW cur2 AS FROM read_parquet('" + glob(out, "cur-parquet", "*.parquet") + "')");
            s.execute("CREATE VIEW focus AS FROM read_csv('" + glob(out, "focus", "*.csv.gz")
                    + "', header = true, all_varchar = true)");
            s.execute("CREATE VIEW focus_parquet AS FROM read_parquet('"
                    + glob(out, "focus-parquet", "*.parquet") + "')");
            s.execute("CREATE TABLE categories AS FROM read_csv('"
                    + DuckDb.literal(Path.of("src/main/resources/io/rebill/ingestion/aws-service-categories.csv")
                    .toAbsolutePath().toString()) + "', header = true, all_varchar = true)");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void writesOneFileOfTheRequestedSizePerFormat() {
        assertThat(generated.files()).hasSize(4).allSatisfy(f -> assertThat(f.rows()).isEqualTo(ROWS));
        for (String view : List.of("cur", "cur2", "focus", "focus_parquet")) {
            assertThat(scalar("SELECT count(*) FROM " + view)).as(view).isEqualTo(Long.toString(ROWS));
        }
    }

    @Test
    void everyLineItemTypeAppears() {
        assertThat(column("SELECT DISTINCT \"lineItem/LineItemType\" FROM cur ORDER BY 1")).containsExactly(
                "Credit", "DiscountedUsage", "EdpDiscount", "Fee", "PrivateRateDiscount", "RIFee", "Refund",
                "SavingsPlanCoveredUsage", "SavingsPlanNegation", "SavingsPlanRecurringFee",
                "SavingsPlanUpfrontFee", "Tax", "Usage");
    }

    @Test
    void billedCostTotalsAreTheSameInEveryFormat() {
        String cur = scalar("SELECT CAST(sum(CAST(\"lineItem/UnblendedCost\" AS DECIMAL(38,10))) AS VARCHAR) FROM cur");

        assertThat(cur).matches("\\d+\\.\\d{10}");
        assertThat(scalar("SELECT CAST(sum(line_item_unblended_cost) AS VARCHAR) FROM cur2")).isEqualTo(cur);
        assertThat(scalar("SELECT CAST(sum(CAST(BilledCost AS DECIMAL(38,10))) AS VARCHAR) FROM focus"))
                .isEqualTo(cur);
        assertThat(scalar("SELECT CAST(sum(BilledCost) AS VARCHAR) FROM focus_parquet")).isEqualTo(cur);
    }

    @Test
    void everyFormatDescribesTheSameCanonicalLineItems() {
        exec("CREATE OR REPLACE TEMP VIEW canon_cur AS " + CUR_LEGACY_CANONICAL);
        exec("CREATE OR REPLACE TEMP VIEW canon_cur2 AS " + CUR2_CANONICAL);
        exec("CREATE OR REPLACE TEMP VIEW canon_focus AS " + focusCanonical("focus"));
        exec("CREATE OR REPLACE TEMP VIEW canon_focus_parquet AS " + focusCanonical("focus_parquet"));

        assertThat(scalar("SELECT count(*) FROM canon_cur")).isEqualTo(Long.toString(ROWS));
        for (String other : List.of("canon_cur2", "canon_focus", "canon_focus_parquet")) {
            assertThat(scalar("SELECT count(*) FROM (FROM canon_cur EXCEPT ALL FROM " + other + ")"))
                    .as("lines of the CUR CSV missing from " + other).isEqualTo("0");
            assertThat(scalar("SELECT count(*) FROM (FROM " + other + " EXCEPT ALL FROM canon_cur)"))
                    .as("lines of " + other + " missing from the CUR CSV").isEqualTo("0");
        }
    }

    @Test
    void savingsPlanNegationCancelsTheCoveredUsage() {
        assertThat(scalar("""
                SELECT count(*) FROM cur n
                WHERE n."lineItem/LineItemType" = 'SavingsPlanNegation'
                  AND NOT EXISTS (SELECT 1 FROM cur c
                      WHERE c."lineItem/LineItemType" = 'SavingsPlanCoveredUsage'
                        AND c."lineItem/UsageAccountId" = n."lineItem/UsageAccountId"
                        AND c."lineItem/UsageStartDate" = n."lineItem/UsageStartDate"
                        AND c."lineItem/ResourceId" IS NOT DISTINCT FROM n."lineItem/ResourceId"
                        AND c."product/sku" = n."product/sku"
                        AND c."savingsPlan/SavingsPlanARN" = n."savingsPlan/SavingsPlanARN"
                        AND CAST(c."lineItem/UnblendedCost" AS DECIMAL(38,10))
                            = -CAST(n."lineItem/UnblendedCost" AS DECIMAL(38,10)))""")).isEqualTo("0");
        assertThat(scalar("""
                SELECT CAST(sum(CAST("lineItem/UnblendedCost" AS DECIMAL(38,10))) AS VARCHAR) FROM cur
                WHERE "lineItem/LineItemType" IN ('SavingsPlanCoveredUsage', 'SavingsPlanNegation')"""))
                .isEqualTo("0.0000000000");
        assertThat(scalar("SELECT count(*) FROM cur WHERE \"lineItem/LineItemType\" = 'SavingsPlanNegation'"))
                .isEqualTo(scalar("SELECT count(*) FROM cur WHERE \"lineItem/LineItemType\" = 'SavingsPlanCoveredUsage'"));
    }

    @Test
    void moneyIsExactWithAtMostTenDecimals() {
        for (String column : List.of("lineItem/UsageAmount", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
                "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "reservation/EffectiveCost",
                "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedRecurringFee",
                "savingsPlan/SavingsPlanEffectiveCost", "savingsPlan/TotalCommitmentToDate",
                "savingsPlan/UsedCommitment")) {
            assertThat(scalar("SELECT count(*) FROM cur WHERE \"" + column + "\" IS NOT NULL"
                    + " AND NOT regexp_full_match(\"" + column + "\", '-?[0-9]+(\\.[0-9]{1,10})?')"))
                    .as(column).isEqualTo("0");
        }
        assertThat(column("SELECT DISTINCT typeof(COLUMNS(lambda c: c LIKE '%cost%' OR c LIKE '%rate%')) FROM cur2"))
                .containsOnly("DECIMAL(38,10)");
    }

    @Test
    void coveredUsageIsNeverDearerThanTheListPrice() {
        assertThat(scalar("""
                SELECT count(*) FROM focus_parquet
                WHERE x_ChargeType IN ('DiscountedUsage', 'SavingsPlanCoveredUsage')
                  AND NOT (ListCost >= EffectiveCost AND EffectiveCost >= 0 AND ListCost > 0)""")).isEqualTo("0");
        assertThat(scalar("SELECT count(*) FROM focus_parquet WHERE x_ChargeType = 'Usage' AND ListUnitPrice IS NULL"))
                .isEqualTo("0");
    }

    @Test
    void commitmentsAreBoughtByThePayerAndByCustomers() {
        for (String type : List.of("Savings Plan", "Reserved Instance")) {
            List<String> owners = column("SELECT DISTINCT x_CommitmentOwnerAccountId FROM focus_parquet"
                    + " WHERE CommitmentDiscountType = '" + type + "'");
            assertThat(owners).as(type).contains(PAYER).hasSizeGreaterThan(2);
        }
        assertThat(scalar("SELECT count(*) FROM cur WHERE \"reservation/ReservationARN\" IS NOT NULL AND NOT"
                + " regexp_full_match(\"reservation/ReservationARN\","
                + " 'arn:aws:(ec2:[a-z0-9-]+:[0-9]{12}:reserved-instances/[0-9a-f-]{36}|rds:[a-z0-9-]+:[0-9]{12}:ri:.+)')"))
                .isEqualTo("0");
        assertThat(scalar("SELECT count(*) FROM cur WHERE \"savingsPlan/SavingsPlanARN\" IS NOT NULL AND NOT"
                + " regexp_full_match(\"savingsPlan/SavingsPlanARN\","
                + " 'arn:aws:savingsplans::[0-9]{12}:savingsplan/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}')"))
                .isEqualTo("0");
    }

    @Test
    void freeTierUsageIsFreeOnASkuThatAlsoHasPaidUsage() {
        assertThat(Long.parseLong(scalar("""
                SELECT count(*) FROM cur f
                WHERE f."lineItem/LineItemType" = 'Usage'
                  AND f."lineItem/LineItemDescription" LIKE '%free tier%'
                  AND CAST(f."lineItem/UnblendedCost" AS DECIMAL(38,10)) = 0
                  AND CAST(f."pricing/publicOnDemandRate" AS DECIMAL(38,10)) > 0
                  AND EXISTS (SELECT 1 FROM cur p WHERE p."product/sku" = f."product/sku"
                              AND p."lineItem/LineItemType" = 'Usage'
                              AND CAST(p."lineItem/UnblendedCost" AS DECIMAL(38,10)) > 0)"""))).isPositive();
    }

    @Test
    void marketplaceChargesNameTheVendor() {
        assertThat(column("SELECT DISTINCT \"lineItem/LegalEntity\" FROM cur"
                + " WHERE \"bill/BillingEntity\" = 'AWS Marketplace' ORDER BY 1"))
                .isNotEmpty().doesNotContain("Amazon Web Services, Inc.");
        assertThat(column("SELECT DISTINCT \"lineItem/LegalEntity\" FROM cur WHERE \"bill/BillingEntity\" = 'AWS'"))
                .containsExactly("Amazon Web Services, Inc.");
    }

    @Test
    void usageIsTaggedWithTheCustomerThatOwnsTheAccount() throws SQLException {
        exec("CREATE OR REPLACE TEMP TABLE owners (account_id VARCHAR, customer VARCHAR)");
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO owners VALUES (?, ?)")) {
            for (DemoAccount account : generated.accounts()) {
                insert.setString(1, account.accountId());
                insert.setString(2, account.customer());
                insert.executeUpdate();
            }
        }
        assertThat(generated.accounts()).hasSize(50);
        assertThat(scalar("SELECT count(DISTINCT customer) FROM owners")).isEqualTo("10");
        assertThat(scalar("SELECT min(n) FROM (SELECT count(*) n FROM owners GROUP BY customer)")).isEqualTo("5");
        assertThat(scalar("""
                SELECT count(*) FROM cur c LEFT JOIN owners o ON o.account_id = c."lineItem/UsageAccountId"
                WHERE c."lineItem/LineItemType" IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
                  AND c."resourceTags/user:customer" IS DISTINCT FROM o.customer""")).isEqualTo("0");
        assertThat(scalar("SELECT count(DISTINCT \"resourceTags/user:env\") FROM cur")).isEqualTo("3");
        assertThat(scalar("SELECT count(*) FROM cur WHERE \"bill/PayerAccountId\" <> '" + PAYER + "'"))
                .isEqualTo("0");
    }

    @Test
    void chargesFallInsideTheBillingPeriod() {
        assertThat(column("""
                SELECT DISTINCT "bill/BillingPeriodStartDate" || ' ' || "bill/BillingPeriodEndDate" FROM cur"""))
                .containsExactly("2024-09-01T00:00:00Z 2024-10-01T00:00:00Z");
        assertThat(scalar("""
                SELECT count(*) FROM focus_parquet
                WHERE ChargePeriodStart < BillingPeriodStart OR ChargePeriodEnd > BillingPeriodEnd
                   OR ChargePeriodEnd <= ChargePeriodStart""")).isEqualTo("0");
    }

    @Test
    void usageSpreadsOverManyServicesAndRegions() {
        assertThat(Long.parseLong(scalar("SELECT count(DISTINCT \"lineItem/ProductCode\") FROM cur"))).isGreaterThan(25);
        assertThat(Long.parseLong(scalar("SELECT count(DISTINCT \"product/region\") FROM cur"))).isGreaterThan(10);
        assertThat(Long.parseLong(scalar("SELECT count(DISTINCT \"lineItem/AvailabilityZone\") FROM cur")))
                .isGreaterThan(20);
        assertThat(column("SELECT DISTINCT ServiceCategory FROM focus")).contains("Compute", "Storage",
                "Databases", "Networking", "Other");
    }

    /** CUR legacy CSV -> canonical, restating docs/canonical-line-item.md in test SQL. */
    private static final String CUR_LEGACY_CANONICAL = """
            SELECT
                strftime(CAST("bill/BillingPeriodStartDate" AS TIMESTAMPTZ), '%Y-%m') AS billing_period,
                "bill/PayerAccountId" AS billing_account_id,
                "lineItem/UsageAccountId" AS sub_account_id,
                COALESCE("lineItem/LegalEntity", "bill/BillingEntity") AS publisher_name,
                "bill/InvoicingEntity" AS invoice_issuer_name,
                CAST("lineItem/UsageStartDate" AS TIMESTAMPTZ) AS charge_period_start,
                CAST("lineItem/UsageEndDate" AS TIMESTAMPTZ) AS charge_period_end,
                COALESCE("product/ProductName", "lineItem/ProductCode") AS service_name,
                COALESCE((SELECT k.service_category FROM categories k
                          WHERE k.product_code = "lineItem/ProductCode"), 'Other') AS service_category,
                "lineItem/ProductCode" AS x_service_code,
                "lineItem/UsageType" AS x_usage_type,
                "lineItem/Operation" AS x_operation,
                "product/region" AS region_id,
                "lineItem/AvailabilityZone" AS availability_zone,
                "lineItem/ResourceId" AS resource_id,
                "product/sku" AS sku_id,
                "lineItem/LineItemDescription" AS charge_description,
                concat_ws(',', 'customer=' || "resourceTags/user:customer", 'team=' || "resourceTags/user:team",
                          'env=' || "resourceTags/user:env") AS tags,
                CASE WHEN "lineItem/LineItemType" IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage',
                        'SavingsPlanNegation', 'EdpDiscount', 'PrivateRateDiscount') THEN 'Usage'
                     WHEN "lineItem/LineItemType" IN ('RIFee', 'Fee', 'SavingsPlanRecurringFee',
                        'SavingsPlanUpfrontFee') THEN 'Purchase'
                     WHEN "lineItem/LineItemType" = 'Tax' THEN 'Tax'
                     WHEN "lineItem/LineItemType" IN ('Credit', 'Refund') THEN 'Credit'
                     ELSE 'Adjustment' END AS charge_category,
                "lineItem/LineItemType" AS x_charge_type,
                COALESCE("savingsPlan/SavingsPlanARN", "reservation/ReservationARN") AS commitment_discount_id,
                CASE WHEN "savingsPlan/SavingsPlanARN" IS NOT NULL THEN 'SP'
                     WHEN "reservation/ReservationARN" IS NOT NULL THEN 'RI' END AS commitment_discount_type,
                CASE WHEN "lineItem/LineItemType" IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Used'
                     WHEN "lineItem/LineItemType" = 'RIFee'
                          AND CAST("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod" AS DECIMAL(38,10))
                              + CAST("reservation/UnusedRecurringFee" AS DECIMAL(38,10)) <> 0 THEN 'Unused'
                     WHEN "lineItem/LineItemType" = 'SavingsPlanRecurringFee'
                          AND CAST("savingsPlan/TotalCommitmentToDate" AS DECIMAL(38,10))
                              - CAST("savingsPlan/UsedCommitment" AS DECIMAL(38,10)) <> 0 THEN 'Unused' END
                    AS commitment_discount_status,
                split_part(COALESCE("savingsPlan/SavingsPlanARN", "reservation/ReservationARN"), ':', 5)
                    AS x_commitment_owner_account_id,
                CAST("lineItem/UsageAmount" AS DECIMAL(38,10)) AS consumed_quantity,
                "pricing/unit" AS pricing_unit,
                "lineItem/CurrencyCode" AS billing_currency,
                CAST("lineItem/UnblendedCost" AS DECIMAL(38,10)) AS billed_cost,
                CAST(CASE "lineItem/LineItemType"
                    WHEN 'SavingsPlanCoveredUsage' THEN CAST("savingsPlan/SavingsPlanEffectiveCost" AS DECIMAL(38,10))
                    WHEN 'SavingsPlanRecurringFee' THEN CAST("savingsPlan/TotalCommitmentToDate" AS DECIMAL(38,10))
                        - CAST("savingsPlan/UsedCommitment" AS DECIMAL(38,10))
                    WHEN 'SavingsPlanNegation' THEN 0
                    WHEN 'SavingsPlanUpfrontFee' THEN 0
                    WHEN 'DiscountedUsage' THEN CAST("reservation/EffectiveCost" AS DECIMAL(38,10))
                    WHEN 'RIFee' THEN CAST("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod" AS DECIMAL(38,10))
                        + CAST("reservation/UnusedRecurringFee" AS DECIMAL(38,10))
                    WHEN 'Fee' THEN CASE WHEN "reservation/ReservationARN" IS NOT NULL THEN 0
                                         ELSE CAST("lineItem/UnblendedCost" AS DECIMAL(38,10)) END
                    ELSE CAST("lineItem/UnblendedCost" AS DECIMAL(38,10)) END AS DECIMAL(38,10)) AS effective_cost,
                CAST("pricing/publicOnDemandCost" AS DECIMAL(38,10)) AS list_cost,
                CAST("lineItem/UnblendedCost" AS DECIMAL(38,10)) AS contracted_cost,
                CAST("pricing/publicOnDemandRate" AS DECIMAL(38,10)) AS list_unit_price
            FROM cur""";

    /** CUR 2.0 Parquet -> canonical. */
    private static final String CUR2_CANONICAL = """
            SELECT
                strftime(bill_billing_period_start_date, '%Y-%m'),
                bill_payer_account_id,
                line_item_usage_account_id,
                COALESCE(line_item_legal_entity, bill_billing_entity),
                bill_invoicing_entity,
                line_item_usage_start_date,
                line_item_usage_end_date,
                COALESCE(map_extract_value(product, 'product_name'), line_item_product_code),
                COALESCE((SELECT k.service_category FROM categories k
                          WHERE k.product_code = line_item_product_code), 'Other'),
                line_item_product_code,
                line_item_usage_type,
                line_item_operation,
                COALESCE(product_region_code, map_extract_value(product, 'region')),
                line_item_availability_zone,
                line_item_resource_id,
                COALESCE(product_sku, map_extract_value(product, 'sku')),
                line_item_line_item_description,
                concat_ws(',', 'customer=' || map_extract_value(resource_tags, 'user_customer'),
                          'team=' || map_extract_value(resource_tags, 'user_team'),
                          'env=' || map_extract_value(resource_tags, 'user_env')),
                CASE WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage',
                        'SavingsPlanNegation', 'EdpDiscount', 'PrivateRateDiscount') THEN 'Usage'
                     WHEN line_item_line_item_type IN ('RIFee', 'Fee', 'SavingsPlanRecurringFee',
                        'SavingsPlanUpfrontFee') THEN 'Purchase'
                     WHEN line_item_line_item_type = 'Tax' THEN 'Tax'
                     WHEN line_item_line_item_type IN ('Credit', 'Refund') THEN 'Credit'
                     ELSE 'Adjustment' END,
                line_item_line_item_type,
                COALESCE(savings_plan_savings_plan_arn, reservation_reservation_arn),
                CASE WHEN savings_plan_savings_plan_arn IS NOT NULL THEN 'SP'
                     WHEN reservation_reservation_arn IS NOT NULL THEN 'RI' END,
                CASE WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Used'
                     WHEN line_item_line_item_type = 'RIFee' AND reservation_unused_amortized_upfront_fee_for_billing_period
                          + reservation_unused_recurring_fee <> 0 THEN 'Unused'
                     WHEN line_item_line_item_type = 'SavingsPlanRecurringFee'
                          AND savings_plan_total_commitment_to_date - savings_plan_used_commitment <> 0 THEN 'Unused'
                END,
                split_part(COALESCE(savings_plan_savings_plan_arn, reservation_reservation_arn), ':', 5),
                line_item_usage_amount,
                pricing_unit,
                line_item_currency_code,
                line_item_unblended_cost,
                CAST(CASE line_item_line_item_type
                    WHEN 'SavingsPlanCoveredUsage' THEN savings_plan_savings_plan_effective_cost
                    WHEN 'SavingsPlanRecurringFee' THEN savings_plan_total_commitment_to_date - savings_plan_used_commitment
                    WHEN 'SavingsPlanNegation' THEN 0
                    WHEN 'SavingsPlanUpfrontFee' THEN 0
                    WHEN 'DiscountedUsage' THEN reservation_effective_cost
                    WHEN 'RIFee' THEN reservation_unused_amortized_upfront_fee_for_billing_period
                        + reservation_unused_recurring_fee
                    WHEN 'Fee' THEN CASE WHEN reservation_reservation_arn IS NOT NULL THEN 0
                                         ELSE line_item_unblended_cost END
                    ELSE line_item_unblended_cost END AS DECIMAL(38,10)),
                pricing_public_on_demand_cost,
                line_item_unblended_cost,
                pricing_public_on_demand_rate
            FROM cur2""";

    private static String focusCanonical(String view) {
        return """
                SELECT
                    strftime(CAST(BillingPeriodStart AS TIMESTAMPTZ), '%Y-%m'),
                    BillingAccountId,
                    SubAccountId,
                    PublisherName,
                    InvoiceIssuerName,
                    CAST(ChargePeriodStart AS TIMESTAMPTZ),
                    CAST(ChargePeriodEnd AS TIMESTAMPTZ),
                    ServiceName,
                    ServiceCategory,
                    x_ServiceCode,
                    x_UsageType,
                    x_Operation,
                    RegionId,
                    AvailabilityZone,
                    ResourceId,
                    SkuId,
                    ChargeDescription,
                    concat_ws(',', 'customer=' || json_extract_string(Tags, '$.customer'),
                              'team=' || json_extract_string(Tags, '$.team'),
                              'env=' || json_extract_string(Tags, '$.env')),
                    ChargeCategory,
                    x_ChargeType,
                    CommitmentDiscountId,
                    CASE WHEN CommitmentDiscountType = 'Savings Plan' THEN 'SP'
                         WHEN CommitmentDiscountType = 'Reserved Instance' THEN 'RI' END,
                    CommitmentDiscountStatus,
                    x_CommitmentOwnerAccountId,
                    CAST(ConsumedQuantity AS DECIMAL(38,10)),
                    PricingUnit,
                    BillingCurrency,
                    CAST(BilledCost AS DECIMAL(38,10)),
                    CAST(EffectiveCost AS DECIMAL(38,10)),
                    CAST(ListCost AS DECIMAL(38,10)),
                    CAST(ContractedCost AS DECIMAL(38,10)),
                    CAST(ListUnitPrice AS DECIMAL(38,10))
                FROM\s""" + view;
    }

    private static String glob(Path out, String format, String files) {
        return DuckDb.literal(out.resolve(format).toAbsolutePath() + "/*/" + files);
    }

    private static void exec(String sql) {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static String scalar(String sql) {
        List<String> values = column(sql);
        assertThat(values).as(sql).hasSize(1);
        return values.getFirst();
    }

    private static List<String> column(String sql) {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (r.next()) {
                values.add(r.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
