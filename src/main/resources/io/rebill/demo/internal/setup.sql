-- Dimension tables and helpers of the demo billing data generator (docs/generator.md). Run once per generation.
-- Placeholders (dollar, braces, name) are numbers computed by the generator or, with "path:", file paths; nothing else is
-- substituted. Everything here is small (accounts, offers, commitments); the line items are in lines.sql.

-- 32-bit integer mixing in BIGINT arithmetic (xor-shift-multiply rounds; multipliers below 2^31 so that no
-- product overflows). Our own function rather than DuckDB's hash(): its output could change between DuckDB
-- versions, this cannot. The stream generator applies the three rounds in separate projections (a macro argument
-- is expanded each time it is used); demo_hash nests them and is meant for the small tables below only.
CREATE OR REPLACE MACRO demo_xs(x, s) AS xor(x, x >> s);
CREATE OR REPLACE MACRO demo_r1(x) AS (demo_xs(x, 16) * 2146121005) & 4294967295;
CREATE OR REPLACE MACRO demo_r2(x) AS (demo_xs(x, 15) * 1935289751) & 4294967295;
CREATE OR REPLACE MACRO demo_r3(x) AS demo_xs(x, 16);
CREATE OR REPLACE MACRO demo_hash(x) AS demo_r3(demo_r2(demo_r1(x & 4294967295)));

-- A decimal as short text for descriptions: trailing zeros dropped (0.0960000000 -> 0.096).
CREATE OR REPLACE MACRO demo_num(x) AS
    CASE WHEN x IS NULL THEN NULL ELSE rtrim(rtrim(CAST(x AS VARCHAR), '0'), '.') END;
-- Money and quantities: exact, 10 fractional digits. Inside the generator DECIMAL(18,10) (a 64-bit integer, several
-- times faster than DECIMAL(38,10) to compute and print); RunPlan caps the scales so that every amount stays below
-- 10^8, and a value that did not fit would fail the cast rather than be rounded. Parquet files get DECIMAL(38,10).
CREATE OR REPLACE MACRO demo_money(x) AS CAST(x AS DECIMAL(18,10));
CREATE OR REPLACE MACRO demo_money38(x) AS CAST(x AS DECIMAL(38,10));
CREATE OR REPLACE MACRO demo_ts(x) AS strftime(x, '%Y-%m-%dT%H:%M:%SZ');
CREATE OR REPLACE MACRO demo_uuid(a, b, c, d) AS
    printf('%08x-%04x-4%03x-%04x-%08x%04x', a, b & 65535, (b >> 16) & 4095, (c & 16383) | 32768, d, c >> 16);

CREATE OR REPLACE TABLE demo_catalog AS
SELECT * FROM read_csv('${path:catalog}', header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'item': 'INTEGER', 'product_code': 'VARCHAR', 'product_name': 'VARCHAR', 'seller': 'VARCHAR',
               'usage_type': 'VARCHAR', 'operation': 'VARCHAR', 'unit': 'VARCHAR', 'od_rate': 'DECIMAL(20,10)',
               'location': 'VARCHAR', 'resource_kind': 'VARCHAR', 'resource_pool': 'INTEGER',
               'qty_min': 'DECIMAL(18,4)', 'qty_step': 'DECIMAL(18,4)', 'qty_steps': 'INTEGER', 'weight': 'INTEGER',
               'free_tier': 'BOOLEAN', 'savings_plan': 'BOOLEAN', 'ri_usage_type': 'VARCHAR', 'ri_label': 'VARCHAR',
               'description': 'VARCHAR'});

CREATE OR REPLACE TABLE demo_regions AS
SELECT * FROM read_csv('${path:regions}', header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'region_index': 'INTEGER', 'region_id': 'VARCHAR', 'prefix': 'VARCHAR', 'location': 'VARCHAR',
               'price_factor': 'DECIMAL(6,4)', 'weight': 'INTEGER', 'az_letters': 'VARCHAR'});

-- FOCUS service categories by product code, shared with ingestion so both agree ('Other' when unknown).
CREATE OR REPLACE TABLE demo_service_categories AS
SELECT product_code, service_category
FROM read_csv('${path:categories}', header = true, auto_detect = false, delim = ',',
    columns = {'product_code': 'VARCHAR', 'service_category': 'VARCHAR'});

-- Customers: invented, clearly fictional company names (customers.csv), rotated by the seed; beyond the list a number
-- keeps them apart ("Northwind Logistics 2"). The id (also the customer tag) is the name as the portal turns it into
-- an account key: lower case, every run of other characters one hyphen ("Thistle & Rose Events" ->
-- thistle-rose-events), so msp.yaml, the data's tags and the portal use one id.
CREATE OR REPLACE TABLE demo_customer_names AS
SELECT * FROM read_csv('${path:customers}', header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'name_index': 'INTEGER', 'name': 'VARCHAR'});

CREATE OR REPLACE TABLE demo_customers AS
WITH named AS (
    SELECT c AS customer_index,
           n.name || CASE WHEN c >= (SELECT count(*) FROM demo_customer_names)
                          THEN ' ' || CAST(c // (SELECT count(*) FROM demo_customer_names) + 1 AS VARCHAR)
                          ELSE '' END AS customer_name
    FROM range(${customers}) t(c)
    JOIN demo_customer_names n
      ON n.name_index = (c + ${entity_key}) % (SELECT count(*) FROM demo_customer_names)
)
SELECT customer_index, customer_name,
       trim(regexp_replace(lower(customer_name), '[^a-z0-9]+', '-', 'g'), '-') AS customer
FROM named
ORDER BY customer_index;

-- Linked accounts: a bijection of the index onto 12-digit ids (the multiplier is coprime to 9 * 10^11), so ids
-- never repeat; the payer's id is skipped. Customer c owns the accounts c, c + C, c + 2C, ...
CREATE OR REPLACE TABLE demo_accounts AS
WITH candidates AS (
    SELECT a, lpad(CAST(100000000000 + (a * 541394227013 + CAST(${entity_key} AS BIGINT) * 7919) % 900000000000 AS VARCHAR), 12, '0')
               AS account_id
    FROM range(${accounts} + 1) t(a)
), kept AS (
    SELECT row_number() OVER (ORDER BY a) - 1 AS account_index, account_id
    FROM candidates
    WHERE account_id <> lpad(CAST(${payer} AS VARCHAR), 12, '0')
)
SELECT k.account_index, k.account_id, c.customer_index, c.customer, c.customer_name
FROM kept k
JOIN demo_customers c ON c.customer_index = k.account_index % ${customers}
WHERE k.account_index < ${accounts}
ORDER BY k.account_index;

-- Offers: catalog item x region, with the region's prices, usage-type prefix and a stable SKU.
CREATE OR REPLACE TABLE demo_offers AS
WITH pairs AS (
    SELECT row_number() OVER (ORDER BY c.item, r.region_index) - 1 AS offer_index, c.*,
           r.region_id, r.prefix, r.location AS region_location, r.price_factor, r.az_letters,
           CASE WHEN c.location IN ('global', 'none') THEN c.weight * 100 ELSE c.weight * r.weight END AS slot_weight
    FROM demo_catalog c
    JOIN demo_regions r ON (c.location IN ('global', 'none')) = (r.region_id = 'global')
)
SELECT offer_index, item, product_code, product_name,
       seller IS NOT NULL AS marketplace,
       COALESCE(seller, 'Amazon Web Services, Inc.') AS legal_entity,
       CASE WHEN seller IS NULL THEN 'AWS' ELSE 'AWS Marketplace' END AS billing_entity,
       CASE WHEN prefix IS NULL THEN usage_type ELSE prefix || '-' || usage_type END AS usage_type,
       CASE WHEN ri_usage_type IS NULL THEN NULL WHEN prefix IS NULL THEN ri_usage_type
            ELSE prefix || '-' || ri_usage_type END AS ri_usage_type,
       ri_label, operation, unit,
       CASE WHEN location = 'none' THEN NULL ELSE region_id END AS region,
       CASE WHEN location = 'none' THEN NULL ELSE region_location END AS region_name,
       CASE WHEN location = 'zonal' THEN az_letters END AS az_letters,
       demo_money(round(od_rate * price_factor, 10)) AS rate,
       resource_kind,
       -- resource kinds as numbers for lines.sql (0 = no resource)
       COALESCE(list_position(['instance', 'volume', 'snapshot', 'natgateway', 'eip', 'vpcendpoint', 'bucket',
                               'database', 'function', 'distribution', 'table', 'loggroup', 'task', 'hostedzone',
                               'loadbalancer', 'queue', 'topic', 'key', 'cache', 'secret', 'filesystem', 'stream',
                               'api'], resource_kind), 0) AS resource_kind_code,
       greatest(resource_pool, 1) AS resource_pool,
       qty_min, qty_step, greatest(qty_steps, 1) AS qty_steps,
       free_tier, savings_plan, slot_weight,
       '$' || demo_num(demo_money(round(od_rate * price_factor, 10))) || ' per ' || description
           AS description,
       '$0.00 per ' || description || ' under monthly free tier' AS free_tier_description,
       COALESCE((SELECT s.service_category FROM demo_service_categories s WHERE s.product_code = pairs.product_code),
                'Other') AS service_category,
       array_to_string(list_transform(range(16), lambda j:
           substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
                  CAST(demo_hash(xor(offer_index * 16 + j + 1000003, ${entity_key})) & 31 AS INTEGER) + 1, 1)), '')
           AS sku
FROM pairs
ORDER BY offer_index;

-- Weighted draws: every offer appears in a pool as often as its weight, so a uniform slot is a weighted offer.
-- Pools: 1 all usage, 2 AWS usage (no Marketplace; for discounts, credits and tax), 3 Savings Plan eligible,
-- 4 Reserved Instance eligible.
CREATE OR REPLACE TABLE demo_slots AS
WITH entries AS (
    SELECT 1 AS pool, offer_index, slot_weight FROM demo_offers WHERE slot_weight > 0
    UNION ALL SELECT 2, offer_index, slot_weight FROM demo_offers WHERE slot_weight > 0 AND NOT marketplace
    UNION ALL SELECT 3, offer_index, slot_weight FROM demo_offers WHERE slot_weight > 0 AND savings_plan
    UNION ALL SELECT 4, offer_index, slot_weight FROM demo_offers WHERE slot_weight > 0 AND ri_usage_type IS NOT NULL
), expanded AS (
    SELECT pool, offer_index, unnest(range(slot_weight)) AS n FROM entries
)
SELECT row_number() OVER (ORDER BY pool, offer_index, n) - 1 AS slot, pool, offer_index
FROM expanded
ORDER BY slot;

CREATE OR REPLACE TABLE demo_slot_pools AS
SELECT pool, min(slot) AS first_slot, count(*) AS slots FROM demo_slots GROUP BY pool ORDER BY pool;

-- Reserved Instances (partial upfront, 1 year). Every third one belongs to the payer, the others to the first
-- account of a customer, so the owner in the ARN varies. Rates: 30 % of on-demand recurring + 30 % amortised.
CREATE OR REPLACE TABLE demo_ris AS
WITH base AS (
    SELECT j,
           demo_hash(xor(j * 4 + 1 + 2000000, ${entity_key})) AS h1,
           demo_hash(xor(j * 4 + 2 + 2000000, ${entity_key})) AS h2,
           demo_hash(xor(j * 4 + 3 + 2000000, ${entity_key})) AS h3,
           demo_hash(xor(j * 4 + 4 + 2000000, ${entity_key})) AS h4
    FROM range(${ri_count}) t(j)
), picked AS (
    SELECT b.*, s.offer_index
    FROM base b
    JOIN demo_slots s ON s.pool = 4
        AND s.slot = (SELECT first_slot FROM demo_slot_pools WHERE pool = 4)
                     + b.h2 % (SELECT slots FROM demo_slot_pools WHERE pool = 4)
)
SELECT p.j AS ri_index, p.offer_index AS ri_offer_index,
       CASE WHEN p.j % 3 = 0 THEN NULL ELSE p.j % ${customers} END AS ri_owner_customer,
       CASE WHEN p.j % 3 = 0 THEN lpad(CAST(${payer} AS VARCHAR), 12, '0') ELSE a.account_id END AS ri_owner_account_id,
       CASE WHEN o.product_code = 'AmazonRDS'
            THEN 'arn:aws:rds:' || o.region || ':'
                 || CASE WHEN p.j % 3 = 0 THEN lpad(CAST(${payer} AS VARCHAR), 12, '0') ELSE a.account_id END
                 || ':ri:rds-ri-' || printf('%08x', p.h3)
            ELSE 'arn:aws:ec2:' || o.region || ':'
                 || CASE WHEN p.j % 3 = 0 THEN lpad(CAST(${payer} AS VARCHAR), 12, '0') ELSE a.account_id END
                 || ':reserved-instances/' || demo_uuid(p.h1, p.h2, p.h3, p.h4)
       END AS ri_arn,
       ${ri_unit_scale} * (1 + p.h1 % 4) AS ri_units,
       CASE WHEN (p.h1 >> 4) % 3 = 0 THEN 100 ELSE 80 + (p.h1 >> 8) % 20 END AS ri_utilisation,
       demo_money(round(o.rate * 0.30, 10)) AS ri_recurring_rate,
       demo_money(round(o.rate * 0.30, 10)) AS ri_upfront_rate
FROM picked p
JOIN demo_offers o ON o.offer_index = p.offer_index
LEFT JOIN demo_accounts a ON a.account_index = p.j % ${customers}
ORDER BY ri_index;

-- Compute Savings Plans (partial upfront, 1 year: half the commitment paid upfront, half hourly), owned like RIs.
CREATE OR REPLACE TABLE demo_sps AS
WITH base AS (
    SELECT j,
           demo_hash(xor(j * 4 + 1 + 3000000, ${entity_key})) AS h1,
           demo_hash(xor(j * 4 + 2 + 3000000, ${entity_key})) AS h2,
           demo_hash(xor(j * 4 + 3 + 3000000, ${entity_key})) AS h3,
           demo_hash(xor(j * 4 + 4 + 3000000, ${entity_key})) AS h4
    FROM range(${sp_count}) t(j)
), sized AS (
    SELECT *, demo_money(${sp_scale} * (0.25 + (h1 % 8) * 0.125)) AS commitment FROM base
)
SELECT s.j AS sp_index,
       CASE WHEN s.j % 3 = 0 THEN NULL ELSE s.j % ${customers} END AS sp_owner_customer,
       'arn:aws:savingsplans::'
           || CASE WHEN s.j % 3 = 0 THEN lpad(CAST(${payer} AS VARCHAR), 12, '0') ELSE a.account_id END
           || ':savingsplan/' || demo_uuid(s.h1, s.h2, s.h3, s.h4) AS sp_arn,
       CAST(0.66 + ((s.h2 >> 4) % 15) * 0.01 AS DECIMAL(4,2)) AS sp_rate_factor,
       s.commitment AS sp_commitment,
       demo_money(round(s.commitment * 0.5, 10)) AS sp_recurring_fee,
       demo_money(s.commitment * 4380) AS sp_upfront_fee,
       CASE WHEN (s.h2 >> 12) % 3 = 0 THEN 100 ELSE 85 + (s.h2 >> 16) % 15 END AS sp_utilisation
FROM sized s
LEFT JOIN demo_accounts a ON a.account_index = s.j % ${customers}
ORDER BY sp_index;

-- Line kinds of lines.sql and what each is called in CUR and FOCUS (docs/canonical-line-item.md).
CREATE OR REPLACE TABLE demo_kinds AS
SELECT * FROM (VALUES
    (1, 'Usage', 'Usage', 'Usage-Based', true),
    (2, 'Usage', 'Usage', 'Usage-Based', true),
    (3, 'DiscountedUsage', 'Usage', 'Usage-Based', true),
    (4, 'SavingsPlanCoveredUsage', 'Usage', 'Usage-Based', true),
    (5, 'SavingsPlanNegation', 'Usage', 'Usage-Based', true),
    (6, 'SavingsPlanRecurringFee', 'Purchase', 'Recurring', false),
    (7, 'EdpDiscount', 'Usage', 'Usage-Based', true),
    (8, 'PrivateRateDiscount', 'Usage', 'Usage-Based', true),
    (10, 'RIFee', 'Purchase', 'Recurring', false),
    (11, 'Fee', 'Purchase', 'One-Time', false),
    (12, 'SavingsPlanUpfrontFee', 'Purchase', 'One-Time', false),
    (13, 'Credit', 'Credit', 'One-Time', false),
    (14, 'Refund', 'Credit', 'One-Time', false),
    (15, 'Tax', 'Tax', 'One-Time', false)
) AS k(kind, line_item_type, charge_category, charge_frequency, usage_like);

-- The Savings Plan fee rows' product (ComputeSavingsPlans); the generator reads its offer index.
CREATE OR REPLACE TABLE demo_constants AS
SELECT (SELECT offer_index FROM demo_offers WHERE product_code = 'ComputeSavingsPlans') AS sp_fee_offer,
       (SELECT first_slot FROM demo_slot_pools WHERE pool = 1) AS usage_first,
       (SELECT slots FROM demo_slot_pools WHERE pool = 1) AS usage_slots,
       (SELECT first_slot FROM demo_slot_pools WHERE pool = 2) AS aws_first,
       (SELECT slots FROM demo_slot_pools WHERE pool = 2) AS aws_slots,
       (SELECT first_slot FROM demo_slot_pools WHERE pool = 3) AS sp_first,
       (SELECT slots FROM demo_slot_pools WHERE pool = 3) AS sp_slots;
