-- FOCUS 1.0 / 1.1 / 1.2 (any provider) -> canonical line item. Mapping: docs/canonical-line-item.md.
-- Placeholders as in cur-canonical.sql, with FOCUS column names.
SELECT
    strftime(COALESCE({{ts:BillingPeriodStart}}, {{ts:ChargePeriodStart}}), '%Y-%m') AS billing_period,
    {{str:BillingAccountId}}                                                      AS billing_account_id,
    {{str:SubAccountId}}                                                          AS sub_account_id,
    {{str:SubAccountName}}                                                        AS sub_account_name,
    {{str:BillingAccountName}}                                                    AS billing_account_name,
    {{str:SkuPriceId}}                                                            AS sku_price_id,
    COALESCE({{str:ProviderName}}, {{str:ServiceProviderName}})                   AS provider_name,
    {{str:PublisherName}}                                                         AS publisher_name,
    {{str:InvoiceIssuerName}}                                                     AS invoice_issuer_name,
    {{ts:ChargePeriodStart}}                                                      AS charge_period_start,
    {{ts:ChargePeriodEnd}}                                                        AS charge_period_end,
    {{str:ServiceName}}                                                           AS service_name,
    {{str:ServiceCategory}}                                                       AS service_category,
    {{str:x_ServiceCode}}                                                         AS x_service_code,
    {{str:x_UsageType}}                                                           AS x_usage_type,
    {{str:x_Operation}}                                                           AS x_operation,
    {{str:RegionId}}                                                              AS region_id,
    {{str:AvailabilityZone}}                                                      AS availability_zone,
    {{str:ResourceId}}                                                            AS resource_id,
    {{str:SkuId}}                                                                 AS sku_id,
    {{str:ChargeDescription}}                                                     AS charge_description,
    {{tags}}                                                                      AS tags,
    rb_focus_category({{str:ChargeCategory}}, 'ChargeCategory')                                              AS charge_category,
    rb_title({{str:ChargeClass}})                                                 AS charge_class,
    COALESCE({{str:x_ChargeType}}, rb_focus_category({{str:ChargeCategory}}, 'ChargeCategory'))              AS x_charge_type,
    {{str:CommitmentDiscountId}}                                                  AS commitment_discount_id,
    CASE WHEN lower({{str:CommitmentDiscountType}}) LIKE '%savings%' THEN 'SP'
         WHEN lower({{str:CommitmentDiscountType}}) LIKE '%reserv%'
              OR {{str:CommitmentDiscountType}} = 'RI' THEN 'RI'
         ELSE {{str:CommitmentDiscountType}} END                                  AS commitment_discount_type,
    rb_title({{str:CommitmentDiscountStatus}})                                    AS commitment_discount_status,
    COALESCE({{str:x_CommitmentOwnerAccountId}},
             CASE WHEN starts_with({{str:CommitmentDiscountId}}, 'arn:')
                  THEN NULLIF(split_part({{str:CommitmentDiscountId}}, ':', 5), '') END)
                                                                                  AS x_commitment_owner_account_id,
    {{qty:ConsumedQuantity}}                                                      AS consumed_quantity,
    {{str:PricingUnit}}                                                           AS pricing_unit,
    {{str:BillingCurrency}}                                                       AS billing_currency,
    {{num:BilledCost}}                                                            AS billed_cost,
    {{num:EffectiveCost}}                                                         AS effective_cost,
    {{num:ListCost}}                                                              AS list_cost,
    {{num:ContractedCost}}                                                        AS contracted_cost,
    {{qty:ListUnitPrice}}                                                         AS list_unit_price
    {{input}}
FROM {{source}}
