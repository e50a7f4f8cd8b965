-- Google Cloud's BigQuery billing export (standard or detailed usage cost) -> canonical line item. Mapping:
-- docs/canonical-line-item.md. Nested fields are read by their dotted names (service.description, invoice.month): a
-- CSV export's header, or a JSON lines or Parquet file's records flattened by FileSniffer. {{source}} holds every
-- export line once with rb_credit NULL, and once more for each of its credits with rb_credit set (MappingQuery): a
-- credit is a line of its own with charge category Credit, so billed cost = cost + credits.
SELECT
    {{month:invoice.month}}                                                        AS billing_period,
    {{str:billing_account_id}}                                                    AS billing_account_id,
    {{str:project.id}}                                                            AS sub_account_id,
    {{str:project.name}}                                                          AS sub_account_name,
    CAST(NULL AS VARCHAR)                                                         AS billing_account_name,
    CAST(NULL AS VARCHAR)                                                         AS sku_price_id,
    'Google Cloud'                                                                AS provider_name,
    COALESCE({{str:seller_name}}, 'Google')                                       AS publisher_name,
    'Google'                                                                      AS invoice_issuer_name,
    {{ts:usage_start_time}}                                                       AS charge_period_start,
    {{ts:usage_end_time}}                                                         AS charge_period_end,
    {{str:service.description}}                                                   AS service_name,
    CAST(NULL AS VARCHAR)                                                         AS service_category,
    {{str:service.id}}                                                            AS x_service_code,
    {{str:sku.description}}                                                       AS x_usage_type,
    CAST(NULL AS VARCHAR)                                                         AS x_operation,
    COALESCE({{str:location.region}}, {{str:location.location}})                  AS region_id,
    {{str:location.zone}}                                                         AS availability_zone,
    COALESCE({{str:resource.global_name}}, {{str:resource.name}})                 AS resource_id,
    {{str:sku.id}}                                                                AS sku_id,
    CASE WHEN rb_credit IS NULL THEN {{str:sku.description}}
         ELSE COALESCE(rb_credit.name, rb_credit.type) END                        AS charge_description,
    {{tags}}                                                                      AS tags,
    CASE WHEN rb_credit IS NOT NULL THEN 'Credit'
         WHEN lower({{str:cost_type}}) = 'tax' THEN 'Tax'
         WHEN lower({{str:cost_type}}) IN ('adjustment', 'rounding_error') THEN 'Adjustment'
         ELSE 'Usage'
    END                                                                           AS charge_category,
    CAST(NULL AS VARCHAR)                                                         AS charge_class,
    CASE WHEN rb_credit IS NOT NULL THEN COALESCE(rb_credit.type, 'CREDIT')
         ELSE COALESCE({{str:cost_type}}, 'regular') END                          AS x_charge_type,
    CAST(NULL AS VARCHAR)                                                         AS commitment_discount_id,
    CAST(NULL AS VARCHAR)                                                         AS commitment_discount_type,
    CAST(NULL AS VARCHAR)                                                         AS commitment_discount_status,
    CAST(NULL AS VARCHAR)                                                         AS x_commitment_owner_account_id,
    CASE WHEN rb_credit IS NULL THEN {{qty:usage.amount}} END                     AS consumed_quantity,
    {{str:usage.unit}}                                                            AS pricing_unit,
    {{str:currency}}                                                              AS billing_currency,
    CASE WHEN rb_credit IS NULL THEN {{num:cost}} ELSE {{credit_amount}} END      AS billed_cost,
    CASE WHEN rb_credit IS NULL THEN {{num:cost}} ELSE {{credit_amount}} END      AS effective_cost,
    CASE WHEN rb_credit IS NULL THEN {{num:cost_at_list}} END                     AS list_cost,
    CASE WHEN rb_credit IS NULL THEN {{num:cost}} ELSE {{credit_amount}} END      AS contracted_cost,
    CAST(NULL AS DECIMAL(38,24))                                                  AS list_unit_price
    {{input}}
FROM {{source}}
