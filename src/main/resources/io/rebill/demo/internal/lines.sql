-- The logical line items of one billing period (docs/generator.md). Every output format projects this one table
-- macro, so the formats cannot drift apart. demo_lines(lo, hi) yields rows lo .. hi-1 of the period; each row is
-- a pure function of (seed, period, row number) and the dimension tables of setup.sql, so any slice of rows can
-- be written on its own and the same seed always gives the same rows.
--
-- Row kinds (column kind):
--   1 Usage            2 Usage (free tier)        3 DiscountedUsage          4 SavingsPlanCoveredUsage
--   5 SavingsPlanNegation (the row after a 4)     6 SavingsPlanRecurringFee  7 EdpDiscount
--   8 PrivateRateDiscount                         10 RIFee   11 Fee (RI upfront)   12 SavingsPlanUpfrontFee
--   13 Credit          14 Refund                  15 Tax
-- Monthly and one-off lines (RIFee, fees, credits, refunds, tax, hourly SP recurring fees) are "fixed lines":
-- a fixed number per period, spread evenly over the rows (row i is fixed when i * T mod M < T, and then has rank
-- i * T div M, each rank exactly once). All other rows are drawn from the usage mix.
-- Placeholders (dollar, braces, name) are numbers only, computed by PeriodPlan.
CREATE OR REPLACE MACRO demo_lines(lo, hi) AS TABLE
WITH
positions AS (
    SELECT i,
           (i * ${fixed_lines}) % ${fixed_modulus} < ${fixed_lines} AS fixed,
           (i * ${fixed_lines}) // ${fixed_modulus} AS rank,
           -- rows 2p and 2p+1 may become covered usage + its negation only when neither is a fixed line
           ((i - i % 2) * ${fixed_lines}) % ${fixed_modulus} >= ${fixed_lines}
               AND ((i - i % 2 + 1) * ${fixed_lines}) % ${fixed_modulus} >= ${fixed_lines}
               AND i - i % 2 + 1 < ${rows} AS pair_free,
           xor((i // 2) & 4294967295, ${pair_key}) AS ha
    FROM range(lo, hi) t(i)
),
pa1 AS (SELECT * REPLACE (demo_r1(ha) AS ha) FROM positions),
pa2 AS (SELECT * REPLACE (demo_r2(ha) AS ha) FROM pa1),
pa3 AS (SELECT * REPLACE (demo_r3(ha) AS ha) FROM pa2),
paired AS (
    SELECT i, fixed, rank, pair_free AND ha % 10000 < 1500 AS sp_pair FROM pa3
),
-- The negation row draws from its covered row's number, so both describe the same usage.
keyed AS (
    SELECT i, fixed, rank, sp_pair,
           xor((CASE WHEN sp_pair THEN i - i % 2 ELSE i END) & 4294967295, ${key1}) AS h1,
           xor((CASE WHEN sp_pair THEN i - i % 2 ELSE i END) & 4294967295, ${key2}) AS h2,
           xor((CASE WHEN sp_pair THEN i - i % 2 ELSE i END) & 4294967295, ${key3}) AS h3,
           xor((CASE WHEN sp_pair THEN i - i % 2 ELSE i END) & 4294967295, ${key4}) AS h4,
           xor((CASE WHEN sp_pair THEN i - i % 2 ELSE i END) & 4294967295, ${key5}) AS h5
    FROM paired
),
kb1 AS (SELECT * REPLACE (demo_r1(h1) AS h1, demo_r1(h2) AS h2, demo_r1(h3) AS h3, demo_r1(h4) AS h4,
                          demo_r1(h5) AS h5) FROM keyed),
kb2 AS (SELECT * REPLACE (demo_r2(h1) AS h1, demo_r2(h2) AS h2, demo_r2(h3) AS h3, demo_r2(h4) AS h4,
                          demo_r2(h5) AS h5) FROM kb1),
kb3 AS (SELECT * REPLACE (demo_r3(h1) AS h1, demo_r3(h2) AS h2, demo_r3(h3) AS h3, demo_r3(h4) AS h4,
                          demo_r3(h5) AS h5) FROM kb2),
kinds AS (
    SELECT *,
           CASE
               WHEN fixed THEN CASE
                   WHEN rank < ${rifee_end} THEN 10
                   WHEN rank < ${fee_end}
                       THEN CASE WHEN (rank - ${rifee_end}) * 12 + ${ri_phase} < ${ri_count} THEN 11 ELSE 1 END
                   WHEN rank < ${sp_upfront_end}
                       THEN CASE WHEN (rank - ${fee_end}) * 12 + ${sp_phase} < ${sp_count} THEN 12 ELSE 1 END
                   WHEN rank < ${credit_end} THEN 13
                   WHEN rank < ${refund_end} THEN 14
                   WHEN rank < ${tax_end} THEN 15
                   ELSE 6
               END
               WHEN sp_pair THEN CASE WHEN i % 2 = 0 THEN 4 ELSE 5 END
               WHEN h1 % 10000 < 8500 THEN 1
               WHEN h1 % 10000 < 9500 THEN 3
               WHEN h1 % 10000 < 9800 THEN 7
               ELSE 8
           END AS kind
    FROM kb3
),
picks AS (
    SELECT *,
           CASE kind
               WHEN 10 THEN rank
               WHEN 11 THEN (rank - ${rifee_end}) * 12 + ${ri_phase}
               WHEN 3 THEN h5 % ${ri_count}
           END AS ri_pick,
           CASE kind
               WHEN 4 THEN h5 % ${sp_count}
               WHEN 5 THEN h5 % ${sp_count}
               WHEN 6 THEN (rank - ${tax_end}) % ${sp_count}
               WHEN 12 THEN (rank - ${fee_end}) * 12 + ${sp_phase}
           END AS sp_pick,
           CASE
               WHEN kind = 1 THEN ${usage_first} + h2 % ${usage_slots}
               WHEN kind IN (7, 8, 13, 14, 15) THEN ${aws_first} + h2 % ${aws_slots}
               WHEN kind IN (4, 5) THEN ${sp_first} + h2 % ${sp_slots}
           END AS slot_pick,
           CASE
               WHEN kind = 6 THEN (rank - ${tax_end}) // ${sp_count}
               WHEN kind IN (11, 12) THEN (h4 >> 10) % ${hours}
               ELSE h4 % ${hours}
           END AS hour
    FROM kinds
),
joined AS (
    SELECT p.*, s.offer_index AS slot_offer, r.* EXCLUDE (ri_index), sp.* EXCLUDE (sp_index)
    FROM picks p
    LEFT JOIN demo_slots s ON s.slot = p.slot_pick
    LEFT JOIN demo_ris r ON r.ri_index = p.ri_pick
    LEFT JOIN demo_sps sp ON sp.sp_index = p.sp_pick
),
-- Usage is skewed towards low account numbers (the minimum of two draws), so some customers are much bigger.
-- Commitment usage stays inside the owner's customer unless the payer owns the commitment.
accounted AS (
    SELECT *,
           CASE
               WHEN kind IN (3, 10, 11) THEN ri_offer_index
               WHEN kind IN (6, 12) THEN ${sp_fee_offer}
               ELSE slot_offer
           END AS offer_pick,
           CASE
               WHEN kind IN (1, 7, 8, 14) THEN least(h3 % ${accounts}, (h3 >> 12) % ${accounts})
               WHEN kind = 3 THEN CASE WHEN ri_owner_customer IS NULL THEN h3 % ${accounts}
                   ELSE ri_owner_customer
                        + ${customers} * (h3 % ((${accounts} - 1 - ri_owner_customer) // ${customers} + 1)) END
               WHEN kind IN (4, 5) THEN CASE WHEN sp_owner_customer IS NULL THEN h3 % ${accounts}
                   ELSE sp_owner_customer
                        + ${customers} * (h3 % ((${accounts} - 1 - sp_owner_customer) // ${customers} + 1)) END
               WHEN kind IN (10, 11) THEN ri_owner_customer
               WHEN kind IN (6, 12) THEN sp_owner_customer
               WHEN kind = 13 THEN ((rank - ${sp_upfront_end}) * 4 + ${credit_phase}) % ${customers}
               WHEN kind = 15 THEN rank - ${refund_end}
           END AS account_pick
    FROM joined
),
described AS (
    SELECT x.*, o.* EXCLUDE (offer_index), a.account_id, a.customer,
           -- a quarter of the usage of free-tier offers is free: same SKU, zero cost, list price kept
           CASE WHEN x.kind = 1 AND o.free_tier AND (x.h1 >> 16) % 4 = 0 THEN 2 ELSE x.kind END AS line_kind
    FROM accounted x
    JOIN demo_offers o ON o.offer_index = x.offer_pick
    LEFT JOIN demo_accounts a ON a.account_index = x.account_pick
),
typed AS (
    SELECT d.*, k.line_item_type, k.charge_category, k.charge_frequency, k.usage_like,
           CAST(d.qty_min + ((d.h4 >> 10) % d.qty_steps) * d.qty_step AS DECIMAL(18,4)) AS qty,
           (d.h5 >> 8) % d.resource_pool AS resource_n
    FROM described d
    JOIN demo_kinds k ON k.kind = d.line_kind
),
-- Resources (and their team / env tags) depend on account, resource kind and number, not on the row or period,
-- so the same instance or bucket recurs hour after hour and month after month.
rc0 AS (
    SELECT *,
           xor((COALESCE(account_pick, 1048575) * 1000003 + resource_kind_code * 7919 + resource_n * 31)
               & 4294967295, ${resource_key}) AS hr,
           xor((COALESCE(account_pick, 1048575) * 1000003 + resource_kind_code * 7919 + resource_n * 31)
               & 4294967295, ${resource_key2}) AS hr2
    FROM typed
),
rc1 AS (SELECT * REPLACE (demo_r1(hr) AS hr, demo_r1(hr2) AS hr2) FROM rc0),
rc2 AS (SELECT * REPLACE (demo_r2(hr) AS hr, demo_r2(hr2) AS hr2) FROM rc1),
rc3 AS (SELECT * REPLACE (demo_r3(hr) AS hr, demo_r3(hr2) AS hr2) FROM rc2),
priced AS (
    SELECT *,
           COALESCE(account_id, lpad(CAST(${payer} AS VARCHAR), 12, '0')) AS usage_account,
           demo_money(round(rate * qty, 10)) AS od_cost,
           ['platform', 'data', 'web', 'payments', 'mobile', 'ml', 'search', 'identity'][hr % 8 + 1] AS team,
           [NULL, 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod', 'prod',
            'staging', 'staging', 'staging', 'staging', 'staging', 'dev', 'dev', 'dev'][(hr >> 3) % 20 + 1] AS env,
           printf('%08x%08x', hr, hr2) AS hex16
    FROM rc3
),
lines AS (
    SELECT
        i AS line_number,
        printf('%08x%08x%010x', h1, h2, i) AS line_item_id,
        'Amazon Web Services, Inc.' AS invoicing_entity,
        billing_entity,
        lpad(CAST(${payer} AS VARCHAR), 12, '0') AS payer_account_id,
        make_timestamp(${year}, ${month}, 1, 0, 0, 0) AS billing_period_start,
        make_timestamp(${year}, ${month}, 1, 0, 0, 0) + INTERVAL 1 MONTH AS billing_period_end,
        usage_account AS usage_account_id,
        line_item_type,
        charge_category,
        charge_frequency,
        CASE WHEN line_kind IN (10, 13, 14, 15) THEN make_timestamp(${year}, ${month}, 1, 0, 0, 0)
             ELSE make_timestamp(${year}, ${month}, 1, 0, 0, 0) + to_hours(hour) END AS usage_start,
        CASE WHEN line_kind IN (10, 13, 14, 15) THEN make_timestamp(${year}, ${month}, 1, 0, 0, 0) + INTERVAL 1 MONTH
             ELSE make_timestamp(${year}, ${month}, 1, 0, 0, 0) + to_hours(hour + 1) END AS usage_end,
        product_code,
        CASE WHEN line_kind IN (10, 11) THEN ri_usage_type
             WHEN line_kind IN (13, 14, 15) THEN NULL
             ELSE usage_type END AS usage_type,
        CASE WHEN line_kind IN (11, 13, 14, 15) THEN NULL ELSE operation END AS operation,
        CASE WHEN usage_like AND az_letters IS NOT NULL
             THEN region || substr(az_letters, CAST((h1 >> 20) % length(az_letters) AS INTEGER) + 1, 1) END
            AS availability_zone,
        CASE
            WHEN line_kind IN (6, 12) THEN sp_arn
            WHEN NOT usage_like OR resource_kind_code = 0 THEN NULL
            WHEN resource_kind_code = 1 THEN 'i-0' || hex16
            WHEN resource_kind_code = 2 THEN 'vol-0' || hex16
            WHEN resource_kind_code = 3 THEN 'snap-0' || hex16
            WHEN resource_kind_code = 4 THEN 'nat-0' || hex16
            WHEN resource_kind_code = 5 THEN 'eipalloc-0' || hex16
            WHEN resource_kind_code = 6 THEN 'vpce-0' || hex16
            WHEN resource_kind_code = 7 THEN replace(customer, '_', '-') || '-'
                || ['logs', 'assets', 'backups', 'datalake', 'uploads', 'static'][hr2 % 6 + 1] || '-'
                || hex16[1:4]
            WHEN resource_kind_code = 8 THEN 'arn:aws:rds:' || region || ':' || usage_account || ':db:'
                || team || '-' || COALESCE(env, 'shared') || '-' || CAST(resource_n AS VARCHAR)
            WHEN resource_kind_code = 9 THEN 'arn:aws:lambda:' || region || ':' || usage_account || ':function:'
                || team || '-' || ['api', 'worker', 'etl', 'auth', 'resize', 'webhook', 'cron', 'stream'][hr2 % 8 + 1]
                || '-' || COALESCE(env, 'shared')
            WHEN resource_kind_code = 10 THEN 'arn:aws:cloudfront::' || usage_account || ':distribution/E'
                || upper(hex16[1:13])
            WHEN resource_kind_code = 11 THEN 'arn:aws:dynamodb:' || region || ':' || usage_account || ':table/'
                || team || '-' || ['orders', 'sessions', 'events', 'users', 'inventory', 'audit'][hr2 % 6 + 1]
            WHEN resource_kind_code = 12 THEN 'arn:aws:logs:' || region || ':' || usage_account
                || ':log-group:/aws/lambda/' || team || '-' || COALESCE(env, 'shared') || '-' || CAST(resource_n AS VARCHAR)
            WHEN resource_kind_code = 13 THEN 'arn:aws:ecs:' || region || ':' || usage_account || ':task/' || team
                || '-cluster/' || hex16
            WHEN resource_kind_code = 14 THEN 'arn:aws:route53:::hostedzone/Z' || upper(hex16[1:14])
            WHEN resource_kind_code = 15 THEN 'arn:aws:elasticloadbalancing:' || region || ':' || usage_account
                || ':loadbalancer/app/' || team || '-alb/' || hex16
            WHEN resource_kind_code = 16 THEN 'arn:aws:sqs:' || region || ':' || usage_account || ':' || team
                || '-queue-' || CAST(resource_n AS VARCHAR)
            WHEN resource_kind_code = 17 THEN 'arn:aws:sns:' || region || ':' || usage_account || ':' || team
                || '-events-' || CAST(resource_n AS VARCHAR)
            WHEN resource_kind_code = 18 THEN 'arn:aws:kms:' || region || ':' || usage_account || ':key/'
                || demo_uuid(hr, hr2, hr >> 3, hr2 >> 5)
            WHEN resource_kind_code = 19 THEN 'arn:aws:elasticache:' || region || ':' || usage_account || ':cluster:'
                || team || '-cache-' || CAST(resource_n AS VARCHAR)
            WHEN resource_kind_code = 20 THEN 'arn:aws:secretsmanager:' || region || ':' || usage_account
                || ':secret:' || team || '/' || COALESCE(env, 'shared') || '/db-' || hex16[1:6]
            WHEN resource_kind_code = 21 THEN 'arn:aws:elasticfilesystem:' || region || ':' || usage_account
                || ':file-system/fs-0' || hex16
            WHEN resource_kind_code = 22 THEN 'arn:aws:kinesis:' || region || ':' || usage_account || ':stream/'
                || team || '-stream-' || CAST(resource_n AS VARCHAR)
            WHEN resource_kind_code = 23 THEN 'arn:aws:apigateway:' || region || '::/restapis/' || hex16[1:10]
        END AS resource_id,
        CASE
            WHEN line_kind <= 4 THEN demo_money(qty)
            WHEN line_kind IN (5, 7, 8) THEN demo_money(0)
            WHEN line_kind IN (6, 12) THEN demo_money(1)
            WHEN line_kind = 10 THEN demo_money(${hours} * ri_units)
            WHEN line_kind = 11 THEN demo_money(ri_units)
        END AS usage_amount,
        'USD' AS currency_code,
        -- every branch is cast on its own: a CASE over decimals of different scales would round to a common one
        CASE
            WHEN line_kind IN (1, 4) THEN rate
            WHEN line_kind IN (2, 3) THEN demo_money(0)
            WHEN line_kind = 6 THEN sp_recurring_fee
            WHEN line_kind = 10 THEN ri_recurring_rate
        END AS unblended_rate,
        CASE line_kind
            WHEN 1 THEN od_cost
            WHEN 2 THEN demo_money(0)
            WHEN 3 THEN demo_money(0)
            WHEN 4 THEN od_cost
            WHEN 5 THEN -od_cost
            WHEN 6 THEN sp_recurring_fee
            WHEN 7 THEN demo_money(-round(od_cost * 0.06, 10))
            WHEN 8 THEN demo_money(-round(od_cost * 0.03, 10))
            WHEN 10 THEN demo_money(ri_recurring_rate * (${hours} * ri_units))
            WHEN 11 THEN demo_money(ri_upfront_rate * (8760 * ri_units))
            WHEN 12 THEN sp_upfront_fee
            WHEN 13 THEN demo_money(-(${credit_scale} * (1 + ((h1 >> 8) % 100) * 0.02)))
            WHEN 14 THEN demo_money(-(${refund_scale} * (0.5 + ((h1 >> 8) % 100) * 0.05)))
            WHEN 15 THEN demo_money(${tax_scale} * (1 + ((h1 >> 8) % 100) * 0.02))
        END AS unblended_cost,
        CASE line_kind
            WHEN 1 THEN description
            WHEN 2 THEN free_tier_description
            WHEN 3 THEN ri_label || ' reserved instance applied'
            WHEN 4 THEN description || ' (covered by Savings Plan)'
            WHEN 5 THEN 'SavingsPlanNegation used by AccountId : ' || usage_account || ' and UsageSku : ' || sku
            WHEN 6 THEN 'USD ' || demo_num(sp_commitment) || ' hourly commitment, 1 year Partial Upfront Compute Savings Plan'
            WHEN 7 THEN 'Enterprise Discount Program discount'
            WHEN 8 THEN 'Private pricing discount'
            WHEN 10 THEN 'USD ' || demo_num(ri_recurring_rate) || ' hourly fee per ' || ri_label
            WHEN 11 THEN 'Upfront fee for ' || CAST(ri_units AS VARCHAR) || ' x ' || ri_label
                || ' reserved instance, 1 year Partial Upfront'
            WHEN 12 THEN 'Upfront fee for 1 year Partial Upfront Compute Savings Plan'
            WHEN 13 THEN 'AWS Promotional Credit'
            WHEN 14 THEN 'Refund for ' || product_name
            WHEN 15 THEN 'Tax for product code ' || product_code
        END AS description,
        legal_entity,
        product_name,
        CASE WHEN line_kind IN (13, 14, 15) THEN NULL ELSE region END AS region,
        CASE WHEN line_kind IN (13, 14, 15) THEN NULL ELSE region_name END AS region_name,
        CASE WHEN line_kind IN (13, 14, 15) THEN NULL ELSE sku END AS sku,
        CASE WHEN line_kind <= 4 THEN od_cost END AS public_on_demand_cost,
        CASE WHEN line_kind <= 4 THEN rate END AS public_on_demand_rate,
        CASE WHEN usage_like THEN unit WHEN line_kind IN (6, 10) THEN 'Hrs' END AS pricing_unit,
        CASE WHEN line_kind IN (3, 10, 11) THEN ri_arn END AS reservation_arn,
        CASE WHEN line_kind = 3 THEN demo_money(round((ri_recurring_rate + ri_upfront_rate) * qty, 10)) END
            AS reservation_effective_cost,
        CASE WHEN line_kind = 10
             THEN demo_money(round(ri_upfront_rate * (${hours} * ri_units) * ((100 - ri_utilisation) * 0.01), 10)) END
            AS reservation_unused_amortized_upfront,
        CASE WHEN line_kind = 10
             THEN demo_money(round(ri_recurring_rate * (${hours} * ri_units) * ((100 - ri_utilisation) * 0.01), 10)) END
            AS reservation_unused_recurring_fee,
        CASE WHEN line_kind IN (4, 5, 6, 12) THEN sp_arn END AS savings_plan_arn,
        CASE WHEN line_kind = 4 THEN demo_money(round(demo_money(round(rate * sp_rate_factor, 10)) * qty, 10)) END
            AS savings_plan_effective_cost,
        CASE WHEN line_kind = 6 THEN sp_commitment END AS savings_plan_total_commitment,
        CASE WHEN line_kind = 6 THEN demo_money(round(sp_commitment * (sp_utilisation * 0.01), 10)) END
            AS savings_plan_used_commitment,
        CASE WHEN usage_like THEN customer END AS tag_customer,
        CASE WHEN usage_like THEN team END AS tag_team,
        CASE WHEN usage_like THEN env END AS tag_env,
        service_category
    FROM priced
)
-- Amortised cost per docs/canonical-line-item.md, computed once here for FOCUS EffectiveCost.
SELECT *,
       CASE line_item_type
           WHEN 'SavingsPlanCoveredUsage' THEN savings_plan_effective_cost
           WHEN 'SavingsPlanRecurringFee' THEN demo_money(savings_plan_total_commitment - savings_plan_used_commitment)
           WHEN 'SavingsPlanNegation' THEN demo_money(0)
           WHEN 'SavingsPlanUpfrontFee' THEN demo_money(0)
           WHEN 'DiscountedUsage' THEN reservation_effective_cost
           WHEN 'RIFee' THEN demo_money(reservation_unused_amortized_upfront + reservation_unused_recurring_fee)
           WHEN 'Fee' THEN CASE WHEN reservation_arn IS NOT NULL THEN demo_money(0) ELSE unblended_cost END
           ELSE unblended_cost
       END AS effective_cost
FROM lines;
