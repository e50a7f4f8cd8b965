-- Azure Cost Management cost details (EA and MCA; actual or amortized) -> canonical line item.
-- Mapping: docs/canonical-line-item.md. Columns are found by their English name, also in a localised header
-- (Kosten (Cost)) and in MCA's camelCase (costInBillingCurrency); see MappingQuery.
-- Actual cost is what Microsoft bills: billed_cost. Amortized cost spreads reservation and savings plan purchases over
-- the usage they cover: effective_cost. An actual-cost file has no amortisation, so its effective cost is its billed
-- cost; an amortized-cost file's commitment-covered usage and unused commitment were billed through the purchase (which
-- the amortized dataset leaves out), so their billed cost is 0 ({{amortized}}: the file's path names the dataset).
SELECT
    strftime(COALESCE({{ts:BillingPeriodStartDate}}, {{ts:Date}}), '%Y-%m')       AS billing_period,
    {{str:BillingAccountId}}                                                      AS billing_account_id,
    lower(COALESCE({{str:SubscriptionId}}, {{str:SubscriptionGuid}}))             AS sub_account_id,
    {{str:SubscriptionName}}                                                      AS sub_account_name,
    {{str:BillingAccountName}}                                                    AS billing_account_name,
    CAST(NULL AS VARCHAR)                                                         AS sku_price_id,
    'Microsoft'                                                                   AS provider_name,
    COALESCE({{str:PublisherName}}, 'Microsoft')                                  AS publisher_name,
    'Microsoft'                                                                   AS invoice_issuer_name,
    {{ts:Date}}                                                                   AS charge_period_start,
    {{ts:Date}} + INTERVAL 1 DAY                                                  AS charge_period_end,
    {{str:MeterCategory}}                                                         AS service_name,
    {{str:ServiceFamily}}                                                         AS service_category,
    {{str:ConsumedService}}                                                       AS x_service_code,
    {{str:MeterName}}                                                             AS x_usage_type,
    {{str:MeterSubCategory}}                                                      AS x_operation,
    COALESCE({{str:ResourceLocation}}, {{str:MeterRegion}})                       AS region_id,
    {{str:AvailabilityZone}}                                                      AS availability_zone,
    -- Azure resource ids are case-insensitive and exports write one resource group in more than one case
    lower({{str:ResourceId}})                                                     AS resource_id,
    {{str:MeterId}}                                                               AS sku_id,
    COALESCE({{str:ProductName}}, {{str:Product}})                                AS charge_description,
    {{tags}}                                                                      AS tags,
    CASE lower({{str:ChargeType}})
        WHEN 'purchase' THEN 'Purchase'
        WHEN 'tax' THEN 'Tax'
        WHEN 'refund' THEN 'Credit'
        WHEN 'credit' THEN 'Credit'
        WHEN 'roundingadjustment' THEN 'Adjustment'
        WHEN 'adjustment' THEN 'Adjustment'
        ELSE 'Usage'
    END                                                                           AS charge_category,
    CASE WHEN lower({{str:ChargeType}}) = 'refund' THEN 'Correction' END          AS charge_class,
    COALESCE({{str:ChargeType}}, 'Usage')                                         AS x_charge_type,
    COALESCE({{str:benefitId}}, {{str:ReservationId}})                            AS commitment_discount_id,
    CASE lower({{str:PricingModel}}) WHEN 'reservation' THEN 'RI'
                                     WHEN 'savingsplan' THEN 'SP'
                                     WHEN 'savings plan' THEN 'SP' END            AS commitment_discount_type,
    CASE WHEN lower({{str:ChargeType}}) IN ('unusedreservation', 'unusedsavingsplan') THEN 'Unused'
         WHEN lower({{str:ChargeType}}) = 'usage'
              AND lower({{str:PricingModel}}) IN ('reservation', 'savingsplan', 'savings plan') THEN 'Used'
    END                                                                           AS commitment_discount_status,
    CAST(NULL AS VARCHAR)                                                         AS x_commitment_owner_account_id,
    {{qty:Quantity}}                                                              AS consumed_quantity,
    {{str:UnitOfMeasure}}                                                         AS pricing_unit,
    COALESCE({{str:BillingCurrencyCode}}, {{str:BillingCurrency}}, {{str:Currency}}) AS billing_currency,
    CASE WHEN {{amortized}} AND (lower({{str:ChargeType}}) IN ('unusedreservation', 'unusedsavingsplan')
              OR lower({{str:PricingModel}}) IN ('reservation', 'savingsplan', 'savings plan')
                 AND lower({{str:ChargeType}}) = 'usage') THEN 0
         ELSE COALESCE({{num:CostInBillingCurrency}}, {{num:Cost}})
    END                                                                           AS billed_cost,
    COALESCE({{num:CostInBillingCurrency}}, {{num:Cost}})                         AS effective_cost,
    {{num:PaygCostInBillingCurrency}}                                             AS list_cost,
    CASE WHEN {{amortized}} AND (lower({{str:ChargeType}}) IN ('unusedreservation', 'unusedsavingsplan')
              OR lower({{str:PricingModel}}) IN ('reservation', 'savingsplan', 'savings plan')
                 AND lower({{str:ChargeType}}) = 'usage') THEN 0
         ELSE COALESCE({{num:CostInBillingCurrency}}, {{num:Cost}})
    END                                                                           AS contracted_cost,
    {{qty:PayGPrice}}                                                             AS list_unit_price
    {{input}}
FROM {{source}}
