-- The daily cost figures bill runs write (issue 12). PostgreSQL holds the rollup by customer, day, kind and service
-- (cost_daily_service) and its sums by customer, day and kind (cost_daily_customer, {table} below when a read groups
-- by none but those); the fine rows are Parquet files in the run's folder (io.rebill.costs.FineCosts reads them
-- with DuckDB: the statements marked DuckDB below). Every statement is scoped by the MSP (:msp); a customer's reads
-- also by its account (:customer) and by the kinds a customer sees (usage, charge, credit), and never select the
-- cost. {select} and {group} are the grouping columns, taken from io.rebill.costs.CostGroup only.

-- name: delete-period-rollup
DELETE FROM cost_daily_service WHERE msp_id = :msp AND period = :period

-- name: delete-period-customer-rollup
DELETE FROM cost_daily_customer WHERE msp_id = :msp AND period = :period

-- name: create-rollup-stage
-- the run's rollup as DuckDB wrote it (CSV, no header), straight into typed columns
CREATE TEMP TABLE IF NOT EXISTS cost_daily_service_stage (customer_key text, day date NOT NULL, kind text NOT NULL,
    service text NOT NULL, currency text NOT NULL, cost numeric NOT NULL, charge numeric NOT NULL)
    ON COMMIT DELETE ROWS

-- name: copy-rollup-stage
COPY cost_daily_service_stage (customer_key, day, kind, service, currency, cost, charge) FROM STDIN (FORMAT csv)

-- name: insert-rollup
-- :accounts maps the configuration's customer keys to their customer accounts (about one per customer); it is
-- parsed once, as a joined set (a cast per row parsed the whole map again for every row: seconds at 1 M lines)
INSERT INTO cost_daily_service (msp_id, period, run_id, customer_account_id, day, kind, service, currency, cost,
                                charge)
SELECT :msp, :period, :run, CAST(m.value AS uuid), s.day, s.kind, s.service, s.currency, s.cost, s.charge
FROM cost_daily_service_stage s LEFT JOIN jsonb_each_text(CAST(:accounts AS jsonb)) m ON m.key = s.customer_key

-- name: insert-customer-rollup
-- the same period's rows summed over services, from the rollup just written (same transaction, same run)
INSERT INTO cost_daily_customer (msp_id, period, run_id, customer_account_id, day, kind, currency, cost, charge)
SELECT msp_id, period, run_id, customer_account_id, day, kind, currency, sum(cost), sum(charge)
FROM cost_daily_service
WHERE msp_id = :msp AND period = :period
GROUP BY msp_id, period, run_id, customer_account_id, day, kind, currency

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

-- name: fine-customer-figures
-- DuckDB over the period's daily.parquet; FineCosts puts the customer's own rows of the kinds it sees as d
SELECT {select} min(d.currency) AS currency, count(DISTINCT d.currency) AS currencies, sum(d.charge) AS charge
FROM {rows}
{group}

-- name: fine-msp-figures
-- DuckDB over the period's daily.parquet; FineCosts puts the MSP's rows as d, the customer account joined as a
SELECT {select} min(d.currency) AS currency, count(DISTINCT d.currency) AS currencies, sum(d.charge) AS charge,
       sum(d.cost) AS cost
FROM {rows}
{group}

-- name: customer-periods
SELECT DISTINCT period FROM cost_daily_customer
WHERE msp_id = :msp AND customer_account_id = :customer AND kind IN ('usage', 'charge', 'credit')
ORDER BY period DESC

-- name: msp-periods
SELECT DISTINCT period FROM cost_daily_customer WHERE msp_id = :msp ORDER BY period DESC

-- name: runs-of-periods
-- the run whose figures each period shows (the rollups and the files are the same run's; the customer rollup is
-- the small one: a twelfth of the service rollup's rows at 1 M lines)
SELECT period, min(CAST(run_id AS text)) AS run_id FROM cost_daily_customer
WHERE msp_id = :msp AND period BETWEEN :from AND :to
GROUP BY period ORDER BY period

-- name: runs-of-every-msp
-- at start: each MSP's periods and the run their figures are from (FineCosts.missing)
SELECT msp_id, period, min(CAST(run_id AS text)) AS run_id FROM cost_daily_customer GROUP BY msp_id, period

-- name: run-figures-error
-- why a closed period's fine files could not be rebuilt from its bill run's inputs (none: not tried yet, or rebuilt)
SELECT figures_error FROM bill_run WHERE msp_id = :msp AND id = :run

-- name: fine-rollup
-- DuckDB: a run's daily.parquet summed by day, kind, service and currency, amounts as exact text (a rebuild's check)
SELECT CAST(day AS VARCHAR) AS day, kind, service, currency, CAST(sum(cost) AS VARCHAR) AS cost,
       CAST(sum(charge) AS VARCHAR) AS charge
FROM read_parquet(?)
GROUP BY day, kind, service, currency

-- name: rollup-differences
-- the run's rollup against a rebuilt daily aggregate's (:rows, a JSON array), by day, kind, service and currency
-- over every customer: the rows that differ, compared as numeric (exact)
WITH rebuilt AS (
    SELECT r.day, r.kind, r.service, r.currency, r.cost, r.charge
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(day date, kind text, service text, currency text, cost numeric,
                                                      charge numeric)
), stored AS (
    SELECT day, kind, service, currency, sum(cost) AS cost, sum(charge) AS charge
    FROM cost_daily_service WHERE msp_id = :msp AND period = :period AND run_id = :run
    GROUP BY day, kind, service, currency
)
SELECT concat_ws(' ', COALESCE(s.day, r.day), COALESCE(s.kind, r.kind), COALESCE(s.service, r.service),
                 COALESCE(s.currency, r.currency)) AS what,
       s.cost AS stored_cost, s.charge AS stored_charge, r.cost AS rebuilt_cost, r.charge AS rebuilt_charge
FROM stored s FULL JOIN rebuilt r
  ON r.day = s.day AND r.kind = s.kind AND r.service = s.service AND r.currency = s.currency
WHERE s.cost IS DISTINCT FROM r.cost OR s.charge IS DISTINCT FROM r.charge
ORDER BY 1 LIMIT 5

-- name: customer-key
-- a customer account's id in its MSP's configuration: the key its rows carry in the fine files
SELECT key FROM account WHERE id = :customer AND msp_id = :msp AND kind = 'customer'

-- name: customer-account
SELECT key, id, name FROM account WHERE id = :customer AND msp_id = :msp AND kind = 'customer'

-- name: msp-accounts
-- every customer account of the MSP
SELECT key, id, name FROM account WHERE msp_id = :msp AND kind = 'customer'
