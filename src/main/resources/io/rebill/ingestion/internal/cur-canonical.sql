-- AWS CUR (legacy lineItem/... or snake line_item_... naming, CUR 2.0 included) -> canonical line item.
-- Mapping and amortisation: docs/canonical-line-item.md and ../shared/spec/billing.md §1.
-- Placeholders: {{num:X}} a cost (DECIMAL(38,12) or (38,24), see MappingQuery), {{qty:X}} a quantity or rate
-- (DECIMAL(38,24)), {{ts:X}} a UTC TIMESTAMP, {{str:X}} a VARCHAR, where X is the
-- legacy CUR column name; a column the file lacks renders as a typed NULL. {{tags}} is the tag map;
-- the input placeholder before FROM adds the input side of reconciliation (cur-input-amounts.sql) for ingest.
-- Comment lines are dropped before rendering.
SELECT
    strftime({{ts:bill/BillingPeriodStartDate}}, '%Y-%m')                        AS billing_period,
    {{str:bill/PayerAccountId}}                                                   AS billing_account_id,
    {{str:lineItem/UsageAccountId}}                                               AS sub_account_id,
    {{str:lineItem/UsageAccountName}}                                             AS sub_account_name,
    {{str:bill/PayerAccountName}}                                                 AS billing_account_name,
    COALESCE({{str:pricing/RateCode}}, {{str:pricing/RateId}})                    AS sku_price_id,
    'AWS'                                                                         AS provider_name,
    COALESCE({{str:lineItem/LegalEntity}}, {{str:bill/BillingEntity}})            AS publisher_name,
    {{str:bill/InvoicingEntity}}                                                  AS invoice_issuer_name,
    {{ts:lineItem/UsageStartDate}}                                                AS charge_period_start,
    {{ts:lineItem/UsageEndDate}}                                                  AS charge_period_end,
    COALESCE({{str:product/ProductName}}, {{product:product_name}}, {{str:lineItem/ProductCode}}) AS service_name,
    rb_aws_service_category({{str:lineItem/ProductCode}})                         AS service_category,
    {{str:lineItem/ProductCode}}                                                  AS x_service_code,
    {{str:lineItem/UsageType}}                                                    AS x_usage_type,
    {{str:lineItem/Operation}}                                                    AS x_operation,
    COALESCE({{str:product/region}}, {{str:product/regionCode}}, {{product:region}}) AS region_id,
    {{str:lineItem/AvailabilityZone}}                                             AS availability_zone,
    {{str:lineItem/ResourceId}}                                                   AS resource_id,
    COALESCE({{str:product/sku}}, {{product:sku}})                                AS sku_id,
    {{str:lineItem/LineItemDescription}}                                          AS charge_description,
    {{tags}}                                                                      AS tags,
    CASE {{str:lineItem/LineItemType}}
        WHEN 'Usage' THEN 'Usage'
        WHEN 'DiscountedUsage' THEN 'Usage'
        WHEN 'SavingsPlanCoveredUsage' THEN 'Usage'
        WHEN 'SavingsPlanNegation' THEN 'Usage'
        WHEN 'EdpDiscount' THEN 'Usage'
        WHEN 'PrivateRateDiscount' THEN 'Usage'
        WHEN 'BundledDiscount' THEN 'Usage'
        WHEN 'Discount' THEN 'Usage'
        WHEN 'RIFee' THEN 'Purchase'
        WHEN 'Fee' THEN 'Purchase'
        WHEN 'SavingsPlanRecurringFee' THEN 'Purchase'
        WHEN 'SavingsPlanUpfrontFee' THEN 'Purchase'
        WHEN 'Tax' THEN 'Tax'
        WHEN 'Credit' THEN 'Credit'
        WHEN 'Refund' THEN 'Credit'
        ELSE 'Adjustment'
    END                                                                           AS charge_category,
    CAST(NULL AS VARCHAR)                                                         AS charge_class,
    {{str:lineItem/LineItemType}}                                                 AS x_charge_type,
    COALESCE({{str:savingsPlan/SavingsPlanARN}}, {{str:reservation/ReservationARN}}) AS commitment_discount_id,
    CASE WHEN {{str:savingsPlan/SavingsPlanARN}} IS NOT NULL THEN 'SP'
         WHEN {{str:reservation/ReservationARN}} IS NOT NULL THEN 'RI' END        AS commitment_discount_type,
    CASE WHEN {{str:lineItem/LineItemType}} IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Used'
         WHEN {{str:lineItem/LineItemType}} = 'RIFee'
              AND COALESCE({{num:reservation/UnusedAmortizedUpfrontFeeForBillingPeriod}}, 0)
                  + COALESCE({{num:reservation/UnusedRecurringFee}}, 0) <> 0 THEN 'Unused'
         WHEN {{str:lineItem/LineItemType}} = 'SavingsPlanRecurringFee'
              AND COALESCE({{num:savingsPlan/TotalCommitmentToDate}}, 0)
                  - COALESCE({{num:savingsPlan/UsedCommitment}}, 0) <> 0 THEN 'Unused'
    END                                                                           AS commitment_discount_status,
    NULLIF(split_part(COALESCE({{str:savingsPlan/SavingsPlanARN}}, {{str:reservation/ReservationARN}}), ':', 5), '')
                                                                                  AS x_commitment_owner_account_id,
    {{qty:lineItem/UsageAmount}}                                                  AS consumed_quantity,
    {{str:pricing/unit}}                                                          AS pricing_unit,
    {{str:lineItem/CurrencyCode}}                                                 AS billing_currency,
    {{num:lineItem/UnblendedCost}}                                                AS billed_cost,
    CASE {{str:lineItem/LineItemType}}
        WHEN 'SavingsPlanCoveredUsage' THEN COALESCE({{num:savingsPlan/SavingsPlanEffectiveCost}}, 0)
        WHEN 'SavingsPlanRecurringFee' THEN COALESCE({{num:savingsPlan/TotalCommitmentToDate}}, 0)
                                            - COALESCE({{num:savingsPlan/UsedCommitment}}, 0)
        WHEN 'SavingsPlanNegation' THEN 0
        WHEN 'SavingsPlanUpfrontFee' THEN 0
        WHEN 'DiscountedUsage' THEN COALESCE({{num:reservation/EffectiveCost}}, 0)
        WHEN 'RIFee' THEN COALESCE({{num:reservation/UnusedAmortizedUpfrontFeeForBillingPeriod}}, 0)
                          + COALESCE({{num:reservation/UnusedRecurringFee}}, 0)
        WHEN 'Fee' THEN CASE WHEN {{str:reservation/ReservationARN}} IS NOT NULL THEN 0
                             ELSE {{num:lineItem/UnblendedCost}} END
        ELSE {{num:lineItem/UnblendedCost}}
    END                                                                           AS effective_cost,
    {{num:pricing/publicOnDemandCost}}                                            AS list_cost,
    COALESCE({{num:lineItem/NetUnblendedCost}}, {{num:lineItem/UnblendedCost}})   AS contracted_cost,
    {{qty:pricing/publicOnDemandRate}}                                            AS list_unit_price
    {{input}}
FROM {{source}}
