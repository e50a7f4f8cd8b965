-- The daily cost aggregates bill runs write (issue 12). Every statement is scoped by the MSP (:msp); a customer's
-- reads also by its account (:customer) and by the kinds a customer sees (usage, charge, credit), and never select
-- the cost. {select} and {group} are the grouping columns, taken from io.rebill.costs.CostGroup only; {table} is
-- cost_daily_service when they are among day, service, kind and customer, else the fine cost_daily.

-- name: delete-period
DELETE FROM cost_daily WHERE msp_id = :msp AND period = :period

-- name: delete-period-rollup
DELETE FROM cost_daily_service WHERE msp_id = :msp AND period = :period

-- name: insert-rollup
INSERT INTO cost_daily_service (msp_id, period, run_id, customer_account_id, day, kind, service, currency, cost,
                                charge)
SELECT msp_id, period, run_id, customer_account_id, day, kind, service, currency, sum(cost), sum(charge)
FROM cost_daily WHERE msp_id = :msp AND period = :period
GROUP BY msp_id, period, run_id, customer_account_id, day, kind, service, currency

-- name: create-stage
CREATE TEMP TABLE IF NOT EXISTS cost_daily_stage (j text NOT NULL) ON COMMIT DELETE ROWS

-- name: copy-stage
COPY cost_daily_stage (j) FROM STDIN (FORMAT csv, DELIMITER E'\x1f', QUOTE E'\x1e')

-- name: insert-staged
-- the rows COPY staged, one JSON object each (amounts as exact decimal text); :accounts maps customer keys to
-- their customer accounts
INSERT INTO cost_daily (msp_id, period, run_id, customer_key, customer_account_id, day, kind, service,
                        service_category, charge_type, region, sub_account_id, currency, cost, charge)
SELECT :msp, :period, :run, r.customer_key, CAST(CAST(:accounts AS jsonb) ->> r.customer_key AS uuid), r.day, r.kind,
       r.service, r.service_category, r.charge_type, r.region, r.sub_account_id, r.currency, CAST(r.cost AS numeric),
       CAST(r.charge AS numeric)
FROM cost_daily_stage s, jsonb_to_record(CAST(s.j AS jsonb)) AS r(customer_key text, day date, kind text,
     service text, service_category text, charge_type text, region text, sub_account_id text, currency text,
     cost text, charge text)

-- name: customer-figures
SELECT {select} min(d.currency) AS currency, count(DISTINCT d.currency) AS currencies, sum(d.charge) AS charge
FROM {table} d
WHERE d.msp_id = :msp AND d.period = :period AND d.customer_account_id = :customer
  AND d.kind IN ('usage', 'charge', 'credit')
{group}

-- name: msp-figures
SELECT {select} min(d.currency) AS currency, count(DISTINCT d.currency) AS currencies, sum(d.charge) AS charge,
       sum(d.cost) AS cost
FROM {table} d LEFT JOIN account a ON a.id = d.customer_account_id AND a.msp_id = d.msp_id
WHERE d.msp_id = :msp AND d.period = :period
{group}

-- name: customer-periods
SELECT DISTINCT period FROM cost_daily
WHERE msp_id = :msp AND customer_account_id = :customer AND kind IN ('usage', 'charge', 'credit')
ORDER BY period DESC

-- name: msp-periods
SELECT DISTINCT period FROM cost_daily WHERE msp_id = :msp ORDER BY period DESC
