-- The benchmark's 7-rule workflow (docs/benchmarks.md, "Billing in the product (issue 11)") as an expert would
-- write it by hand in DuckDB: the baseline that `rebill bench --what bill` holds the product's bill against.
-- SevenRuleBaselineTest proves on a generated month that it gives the bill's invoices exactly: every customer's
-- lines (by service, plus the management fee), each rounded once half-up to cents, and its cost and charge.
--
-- Input, made by the bench before this file runs (SevenRuleBaseline.java):
--   billing_lines      a view over the period's stored canonical Parquet (docs/canonical-line-item.md)
--   customer_accounts  (customer_id, account_id): the 200 customers' linked accounts
--   getvariable('payer') the account that bought the reservations and savings plans
-- Output: one row per invoice line: customer_id, kind (service | charge), label, exact, amount, and the
-- customer's cost (effective, before rules) and charge (after them) on every row of that customer.
--
-- The workflow, in order (spec §3): RI and Savings Plans bought by the payer at on-demand (list cost; their fee
-- rows 0), no EDP (excluded, not shown), CloudFront at 90 %, EC2 2 % off on Tuesdays in us-east (not on Tax),
-- uplift 3 % (not on Tax), a 2.5 % management fee on the subtotal with a minimum of 100.
--
-- Why it can sum before it multiplies: every rule here is linear in the line's charge, and the stored costs have at
-- most 12 places (10 or 12 as Rebill stores them), so a line's charge (cost x 0.90 x 0.98 x 1.03) has at most 17
-- places: exact in DECIMAL, nothing rounds before the invoice line. The sum of the lines' products is then the
-- product of their sum, so the lines are summed once per account, service and factor class (a few thousand
-- groups of millions of lines), and the factors and the customer join run on the groups.
WITH sums AS (
    SELECT
        sub_account_id,
        COALESCE(service_name, 'Other') AS service,
        -- CloudFront at 90 %: the scope names the service by name or code
        coalesce(service_name = 'AmazonCloudFront' OR x_service_code = 'AmazonCloudFront', false) AS cloudfront,
        -- EC2 2 % on Tuesdays in us-east (CEL getDayOfWeek: Sunday 0, as DuckDB's dayofweek); a discount leaves Tax out
        coalesce((service_name = 'AmazonEC2' OR x_service_code = 'AmazonEC2')
                 AND charge_category IS DISTINCT FROM 'Tax'
                 AND starts_with(region_id, 'us-east-') AND dayofweek(charge_period_start) = 2, false) AS tuesday,
        -- the uplift leaves Tax out
        charge_category IS DISTINCT FROM 'Tax' AS uplifted,
        coalesce(x_charge_type = 'EdpDiscount', false) AS excluded,
        sum(effective_cost) AS cost,
        sum(CASE
                WHEN commitment_discount_type = 'RI' AND x_commitment_owner_account_id = getvariable('payer')
                     AND x_charge_type = 'DiscountedUsage' AND list_cost IS NOT NULL THEN list_cost
                WHEN commitment_discount_type = 'RI' AND x_commitment_owner_account_id = getvariable('payer')
                     AND x_charge_type IN ('RIFee', 'Fee') THEN 0
                WHEN commitment_discount_type = 'SP' AND x_commitment_owner_account_id = getvariable('payer')
                     AND x_charge_type = 'SavingsPlanCoveredUsage' AND list_cost IS NOT NULL THEN list_cost
                WHEN commitment_discount_type = 'SP' AND x_commitment_owner_account_id = getvariable('payer')
                     AND x_charge_type IN ('SavingsPlanNegation', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee') THEN 0
                ELSE effective_cost
            END) AS at_on_demand
    FROM billing_lines
    GROUP BY ALL
),
services AS (
    SELECT
        a.customer_id,
        s.service,
        sum(coalesce(s.cost, 0)) AS cost,
        sum(CASE WHEN s.excluded THEN 0 ELSE coalesce(s.at_on_demand, 0)
                 * CASE WHEN s.cloudfront THEN 0.90 ELSE 1 END
                 * CASE WHEN s.tuesday THEN 0.98 ELSE 1 END
                 * CASE WHEN s.uplifted THEN 1.03 ELSE 1 END END) AS charge,
        bool_or(NOT s.excluded) AS shown
    FROM sums s
    JOIN customer_accounts a ON a.account_id = s.sub_account_id
    GROUP BY ALL
),
customers AS (
    SELECT
        c.customer_id,
        coalesce(sum(s.cost), 0) AS cost,
        coalesce(sum(s.charge), 0) AS subtotal,
        -- 2.5 % of the subtotal, at least 100: exact (a subtotal of 15 places x 0.025)
        greatest(coalesce(sum(s.charge), 0) * 0.025, 100) AS fee
    FROM (SELECT DISTINCT customer_id FROM customer_accounts) c
    LEFT JOIN services s USING (customer_id)
    GROUP BY ALL
),
lines AS (
    SELECT customer_id, 'service' AS kind, service AS label, charge AS exact FROM services WHERE shown
    UNION ALL
    SELECT customer_id, 'charge', 'Managed services', fee FROM customers
)
SELECT
    l.customer_id,
    l.kind,
    l.label,
    l.exact,
    round(l.exact, 2) AS amount,      -- once, half away from zero (BigDecimal HALF_UP)
    c.cost,
    c.subtotal + c.fee AS charge
FROM lines l
JOIN customers c USING (customer_id)
ORDER BY l.customer_id, l.kind DESC, l.label
