-- The Google Cloud ingest benchmark's file (`rebill bench --what ingest-gcp`, docs/benchmarks.md) mapped to the
-- canonical line item by hand, as an expert who knows that export would write it in DuckDB: the physical limit for
-- the work Rebill's ingest does on it, shown beside plain DuckDB's read of the file. GcpByHandBaselineTest proves it
-- stores the same lines: on a generated export, every canonical column of every line equals what Rebill stores.
--
-- Input: {{export}}, the BigQuery billing export as CSV (ProviderBenchData: dotted column names, +00:00 timestamps,
-- costs of at most 12 places below a million, some in scientific notation, labels and credits as JSON text, cost
-- types in lower case). Output: {{parquet}}, one Parquet file of canonical lines (docs/canonical-line-item.md), in the
-- canonical columns' order and types, costs at 12 places.
--
-- What it leaves out of Rebill's work, knowing the file: the types are given to the CSV reader (Rebill reads every
-- column as text and parses each value itself, to name a bad value's line and column and to find the fewest places
-- that hold every cost), no check of a value (NUL bytes, the form of invoice.month), no input side for
-- reconciliation, no account sums, no fingerprint. Like Rebill it keeps each credit as a line of its own (charge
-- category Credit), drops labels with an empty value, and writes zstd Parquet in row groups of 122,880 lines.
COPY (
    WITH export AS (
        SELECT * FROM read_csv('{{export}}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
            columns = {'billing_account_id': 'VARCHAR', 'service.id': 'VARCHAR', 'service.description': 'VARCHAR',
                       'sku.id': 'VARCHAR', 'sku.description': 'VARCHAR', 'usage_start_time': 'TIMESTAMPTZ',
                       'usage_end_time': 'TIMESTAMPTZ', 'project.id': 'VARCHAR', 'project.name': 'VARCHAR',
                       'labels': 'VARCHAR', 'location.location': 'VARCHAR', 'location.region': 'VARCHAR',
                       'location.zone': 'VARCHAR', 'resource.name': 'VARCHAR', 'cost': 'DECIMAL(18,12)',
                       'currency': 'VARCHAR', 'usage.amount': 'DECIMAL(38,24)', 'usage.unit': 'VARCHAR',
                       'credits': 'VARCHAR', 'invoice.month': 'VARCHAR', 'cost_type': 'VARCHAR',
                       'cost_at_list': 'DECIMAL(18,12)'})
    ),
    -- each export line once with credit NULL, and once more for each of its credits
    lines AS (
        SELECT *, unnest(list_prepend(NULL, CASE WHEN credits <> '[]' THEN
                   from_json(credits, '[{"name":"VARCHAR","amount":"DECIMAL(18,12)","type":"VARCHAR"}]') END)) AS credit
        FROM export
    )
    SELECT
        "invoice.month"[1:4] || '-' || "invoice.month"[5:6]                        AS billing_period,
        billing_account_id,
        "project.id"                                                               AS sub_account_id,
        'Google Cloud'                                                             AS provider_name,
        'Google'                                                                   AS publisher_name,
        'Google'                                                                   AS invoice_issuer_name,
        CAST(usage_start_time AS TIMESTAMP)                                        AS charge_period_start,
        CAST(usage_end_time AS TIMESTAMP)                                          AS charge_period_end,
        "service.description"                                                      AS service_name,
        CAST(NULL AS VARCHAR)                                                      AS service_category,
        "service.id"                                                               AS x_service_code,
        "sku.description"                                                          AS x_usage_type,
        CAST(NULL AS VARCHAR)                                                      AS x_operation,
        COALESCE("location.region", "location.location")                          AS region_id,
        "location.zone"                                                            AS availability_zone,
        "resource.name"                                                            AS resource_id,
        "sku.id"                                                                   AS sku_id,
        CASE WHEN credit IS NULL THEN "sku.description"
             ELSE COALESCE(credit.name, credit.type) END                           AS charge_description,
        nullif(list_filter(CASE WHEN labels <> '[]' THEN from_json(labels, '[{"key":"VARCHAR","value":"VARCHAR"}]') END,
                           lambda e: e.value <> ''), [])                           AS tags,
        CASE WHEN credit IS NOT NULL THEN 'Credit'
             WHEN cost_type = 'tax' THEN 'Tax'
             WHEN cost_type IN ('adjustment', 'rounding_error') THEN 'Adjustment'
             ELSE 'Usage' END                                                      AS charge_category,
        CAST(NULL AS VARCHAR)                                                      AS charge_class,
        CASE WHEN credit IS NOT NULL THEN COALESCE(credit.type, 'CREDIT')
             ELSE COALESCE(cost_type, 'regular') END                               AS x_charge_type,
        CAST(NULL AS VARCHAR)                                                      AS commitment_discount_id,
        CAST(NULL AS VARCHAR)                                                      AS commitment_discount_type,
        CAST(NULL AS VARCHAR)                                                      AS commitment_discount_status,
        CAST(NULL AS VARCHAR)                                                      AS x_commitment_owner_account_id,
        CASE WHEN credit IS NULL THEN "usage.amount" END                           AS consumed_quantity,
        "usage.unit"                                                               AS pricing_unit,
        currency                                                                   AS billing_currency,
        CAST(CASE WHEN credit IS NULL THEN cost ELSE credit.amount END AS DECIMAL(38,12)) AS billed_cost,
        CAST(CASE WHEN credit IS NULL THEN cost ELSE credit.amount END AS DECIMAL(38,12)) AS effective_cost,
        CAST(CASE WHEN credit IS NULL THEN cost_at_list END AS DECIMAL(38,12))     AS list_cost,
        CAST(CASE WHEN credit IS NULL THEN cost ELSE credit.amount END AS DECIMAL(38,12)) AS contracted_cost,
        CAST(NULL AS DECIMAL(38,24))                                               AS list_unit_price,
        "project.name"                                                             AS sub_account_name,
        CAST(NULL AS VARCHAR)                                                      AS billing_account_name,
        CAST(NULL AS VARCHAR)                                                      AS sku_price_id
    FROM lines
) TO '{{parquet}}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)
