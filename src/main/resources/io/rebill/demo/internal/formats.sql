-- The three projections of demo_lines (lines.sql): the same line items in AWS CUR legacy naming, CUR 2.0 naming
-- and FOCUS 1.2, following docs/canonical-line-item.md so that every reader yields identical canonical rows.
-- CSV gets timestamps as 2024-09-01T00:00:00Z and decimals as written by DuckDB (exact, 10 fractional digits, as
-- AWS writes rates); Parquet gets TIMESTAMP and DECIMAL(38,10).

CREATE OR REPLACE MACRO demo_cur_legacy(lo, hi) AS TABLE
SELECT
    line_item_id                                   AS "identity/LineItemId",
    invoicing_entity                               AS "bill/InvoicingEntity",
    billing_entity                                 AS "bill/BillingEntity",
    payer_account_id                               AS "bill/PayerAccountId",
    demo_ts(billing_period_start)                  AS "bill/BillingPeriodStartDate",
    demo_ts(billing_period_end)                    AS "bill/BillingPeriodEndDate",
    usage_account_id                               AS "lineItem/UsageAccountId",
    line_item_type                                 AS "lineItem/LineItemType",
    demo_ts(usage_start)                           AS "lineItem/UsageStartDate",
    demo_ts(usage_end)                             AS "lineItem/UsageEndDate",
    product_code                                   AS "lineItem/ProductCode",
    usage_type                                     AS "lineItem/UsageType",
    operation                                      AS "lineItem/Operation",
    availability_zone                              AS "lineItem/AvailabilityZone",
    resource_id                                    AS "lineItem/ResourceId",
    usage_amount                                   AS "lineItem/UsageAmount",
    currency_code                                  AS "lineItem/CurrencyCode",
    unblended_rate                                 AS "lineItem/UnblendedRate",
    unblended_cost                                 AS "lineItem/UnblendedCost",
    description                                    AS "lineItem/LineItemDescription",
    legal_entity                                   AS "lineItem/LegalEntity",
    product_name                                   AS "product/ProductName",
    region                                         AS "product/region",
    region_name                                    AS "product/location",
    sku                                            AS "product/sku",
    public_on_demand_cost                          AS "pricing/publicOnDemandCost",
    public_on_demand_rate                          AS "pricing/publicOnDemandRate",
    pricing_unit                                   AS "pricing/unit",
    reservation_arn                                AS "reservation/ReservationARN",
    reservation_effective_cost                     AS "reservation/EffectiveCost",
    reservation_unused_amortized_upfront           AS "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
    reservation_unused_recurring_fee               AS "reservation/UnusedRecurringFee",
    savings_plan_arn                               AS "savingsPlan/SavingsPlanARN",
    savings_plan_effective_cost                    AS "savingsPlan/SavingsPlanEffectiveCost",
    savings_plan_total_commitment                  AS "savingsPlan/TotalCommitmentToDate",
    savings_plan_used_commitment                   AS "savingsPlan/UsedCommitment",
    tag_customer                                   AS "resourceTags/user:customer",
    tag_team                                       AS "resourceTags/user:team",
    tag_env                                        AS "resourceTags/user:env"
FROM demo_lines(lo, hi);

-- CUR 2.0: snake_case, typed, product attributes and tags in MAP columns (keys only for values that exist).
CREATE OR REPLACE MACRO demo_cur2(lo, hi) AS TABLE
SELECT
    line_item_id                                   AS identity_line_item_id,
    demo_ts(usage_start) || '/' || demo_ts(usage_end) AS identity_time_interval,
    invoicing_entity                               AS bill_invoicing_entity,
    billing_entity                                 AS bill_billing_entity,
    payer_account_id                               AS bill_payer_account_id,
    billing_period_start                           AS bill_billing_period_start_date,
    billing_period_end                             AS bill_billing_period_end_date,
    usage_account_id                               AS line_item_usage_account_id,
    line_item_type                                 AS line_item_line_item_type,
    usage_start                                    AS line_item_usage_start_date,
    usage_end                                      AS line_item_usage_end_date,
    product_code                                   AS line_item_product_code,
    usage_type                                     AS line_item_usage_type,
    operation                                      AS line_item_operation,
    availability_zone                              AS line_item_availability_zone,
    resource_id                                    AS line_item_resource_id,
    demo_money38(usage_amount)                     AS line_item_usage_amount,
    currency_code                                  AS line_item_currency_code,
    demo_money38(unblended_rate)                   AS line_item_unblended_rate,
    demo_money38(unblended_cost)                   AS line_item_unblended_cost,
    description                                    AS line_item_line_item_description,
    legal_entity                                   AS line_item_legal_entity,
    CASE WHEN region IS NOT NULL THEN MAP {'product_name': product_name, 'region': region, 'sku': sku}
         WHEN sku IS NOT NULL THEN MAP {'product_name': product_name, 'sku': sku}
         ELSE MAP {'product_name': product_name} END AS product,
    region                                         AS product_region_code,
    sku                                            AS product_sku,
    demo_money38(public_on_demand_cost)            AS pricing_public_on_demand_cost,
    demo_money38(public_on_demand_rate)            AS pricing_public_on_demand_rate,
    pricing_unit                                   AS pricing_unit,
    reservation_arn                                AS reservation_reservation_arn,
    demo_money38(reservation_effective_cost)       AS reservation_effective_cost,
    demo_money38(reservation_unused_amortized_upfront) AS reservation_unused_amortized_upfront_fee_for_billing_period,
    demo_money38(reservation_unused_recurring_fee) AS reservation_unused_recurring_fee,
    savings_plan_arn                               AS savings_plan_savings_plan_arn,
    demo_money38(savings_plan_effective_cost)      AS savings_plan_savings_plan_effective_cost,
    demo_money38(savings_plan_total_commitment)    AS savings_plan_total_commitment_to_date,
    demo_money38(savings_plan_used_commitment)     AS savings_plan_used_commitment,
    -- customer and team are set together (usage lines), env may be missing
    CASE WHEN tag_customer IS NULL THEN CAST(MAP {} AS MAP(VARCHAR, VARCHAR))
         WHEN tag_env IS NULL THEN MAP {'user_customer': tag_customer, 'user_team': tag_team}
         ELSE MAP {'user_customer': tag_customer, 'user_team': tag_team, 'user_env': tag_env} END AS resource_tags
FROM demo_lines(lo, hi);

-- FOCUS 1.2. ChargeCategory and the commitment columns follow the table in docs/canonical-line-item.md.
CREATE OR REPLACE MACRO demo_focus(lo, hi) AS TABLE
SELECT
    l.payer_account_id                             AS BillingAccountId,
    l.currency_code                                AS BillingCurrency,
    l.billing_period_start                         AS BillingPeriodStart,
    l.billing_period_end                           AS BillingPeriodEnd,
    l.usage_start                                  AS ChargePeriodStart,
    l.usage_end                                    AS ChargePeriodEnd,
    l.charge_category                              AS ChargeCategory,
    CAST(NULL AS VARCHAR)                          AS ChargeClass,
    l.description                                  AS ChargeDescription,
    l.charge_frequency                             AS ChargeFrequency,
    COALESCE(l.savings_plan_arn, l.reservation_arn) AS CommitmentDiscountId,
    CASE WHEN l.savings_plan_arn IS NOT NULL THEN 'Savings Plan'
         WHEN l.reservation_arn IS NOT NULL THEN 'Reserved Instance' END AS CommitmentDiscountType,
    CASE WHEN l.savings_plan_arn IS NOT NULL THEN 'Spend'
         WHEN l.reservation_arn IS NOT NULL THEN 'Usage' END AS CommitmentDiscountCategory,
    CASE WHEN l.line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Used'
         WHEN l.line_item_type IN ('RIFee', 'SavingsPlanRecurringFee') AND l.effective_cost <> 0 THEN 'Unused'
    END                                            AS CommitmentDiscountStatus,
    l.usage_amount                                 AS ConsumedQuantity,
    l.pricing_unit                                 AS ConsumedUnit,
    l.unblended_cost                               AS BilledCost,
    l.effective_cost                               AS EffectiveCost,
    l.public_on_demand_cost                        AS ListCost,
    l.unblended_cost                               AS ContractedCost,
    l.public_on_demand_rate                        AS ListUnitPrice,
    l.unblended_rate                               AS ContractedUnitPrice,
    l.usage_amount                                 AS PricingQuantity,
    l.pricing_unit                                 AS PricingUnit,
    l.invoicing_entity                             AS InvoiceIssuerName,
    'AWS'                                          AS ProviderName,
    l.legal_entity                                 AS PublisherName,
    l.region                                       AS RegionId,
    l.region_name                                  AS RegionName,
    l.availability_zone                            AS AvailabilityZone,
    l.resource_id                                  AS ResourceId,
    l.service_category                             AS ServiceCategory,
    l.product_name                                 AS ServiceName,
    l.sku                                          AS SkuId,
    l.usage_account_id                             AS SubAccountId,
    -- tag values are [a-z_] only, so plain concatenation is valid JSON; empty values are left out
    CASE WHEN l.tag_customer IS NULL THEN NULL
         WHEN l.tag_env IS NULL THEN '{"customer":"' || l.tag_customer || '","team":"' || l.tag_team || '"}'
         ELSE '{"customer":"' || l.tag_customer || '","team":"' || l.tag_team || '","env":"' || l.tag_env || '"}'
    END                                            AS Tags,
    l.line_item_type                               AS x_ChargeType,
    l.product_code                                 AS x_ServiceCode,
    l.usage_type                                   AS x_UsageType,
    l.operation                                    AS x_Operation,
    NULLIF(split_part(COALESCE(l.savings_plan_arn, l.reservation_arn), ':', 5), '') AS x_CommitmentOwnerAccountId
FROM demo_lines(lo, hi) l;

CREATE OR REPLACE MACRO demo_focus_text(lo, hi) AS TABLE
SELECT * REPLACE (
    demo_ts(BillingPeriodStart) AS BillingPeriodStart,
    demo_ts(BillingPeriodEnd) AS BillingPeriodEnd,
    demo_ts(ChargePeriodStart) AS ChargePeriodStart,
    demo_ts(ChargePeriodEnd) AS ChargePeriodEnd)
FROM demo_focus(lo, hi);

CREATE OR REPLACE MACRO demo_focus_typed(lo, hi) AS TABLE
SELECT * REPLACE (
    demo_money38(ConsumedQuantity) AS ConsumedQuantity,
    demo_money38(BilledCost) AS BilledCost,
    demo_money38(EffectiveCost) AS EffectiveCost,
    demo_money38(ListCost) AS ListCost,
    demo_money38(ContractedCost) AS ContractedCost,
    demo_money38(ListUnitPrice) AS ListUnitPrice,
    demo_money38(ContractedUnitPrice) AS ContractedUnitPrice,
    demo_money38(PricingQuantity) AS PricingQuantity)
FROM demo_focus(lo, hi);
