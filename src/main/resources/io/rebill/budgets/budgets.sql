-- Budgets, alerts, anomalies and notifications (issue 12 item 5). Every statement is scoped by the account whose
-- resource a row is (:account); figures are read from the daily aggregates of that account's MSP (:msp) and, for a
-- customer, only its own rows and only the kinds a customer sees. {table}, {measure}, {scope} and {kinds} are
-- replaced by constants of io.rebill.budgets.internal.BudgetFigures, never by input.

-- name: insert-budget
INSERT INTO budget (id, account_id, msp_id, name, amount, currency, measure, filters, alerts, created_by)
VALUES (:id, :account, :msp, :name, :amount, :currency, :measure, CAST(:filters AS jsonb), CAST(:alerts AS jsonb),
        :createdBy)

-- name: managed-customer
-- a customer account the MSP manages (an MSP budget's filters.customer names only those)
SELECT count(*) FROM account WHERE id = :id AND msp_id = :msp

-- name: budgets
SELECT id, account_id, name, amount, currency, measure, CAST(filters AS text) AS filters,
       CAST(alerts AS text) AS alerts, created_by, created_at
FROM budget WHERE account_id = :account ORDER BY lower(name)

-- name: budget
SELECT id, account_id, name, amount, currency, measure, CAST(filters AS text) AS filters,
       CAST(alerts AS text) AS alerts, created_by, created_at
FROM budget WHERE account_id = :account AND id = :id

-- name: delete-budget
DELETE FROM budget WHERE account_id = :account AND id = :id

-- name: budgets-of-msp
-- after a bill run of the MSP: its own budgets and those of every customer account it bills
SELECT id, account_id, name, amount, currency, measure, CAST(filters AS text) AS filters,
       CAST(alerts AS text) AS alerts, created_by, created_at
FROM budget WHERE msp_id = :msp ORDER BY account_id, lower(name)

-- name: budget-days
-- the budget's figure per day and kind; {scope} narrows a customer's budget to its own rows
SELECT d.day, d.kind, sum(d.{measure}) AS amount, min(d.currency) AS currency,
       count(DISTINCT d.currency) AS currencies
FROM {table} d
WHERE d.msp_id = :msp AND d.period = :period {scope} AND d.kind IN ({kinds})
  AND (CAST(:filters AS jsonb) -> 'service' IS NULL
       OR d.service IN (SELECT jsonb_array_elements_text(CAST(:filters AS jsonb) -> 'service')))
  AND (CAST(:filters AS jsonb) -> 'customer' IS NULL
       OR CAST(d.customer_account_id AS text) IN (SELECT jsonb_array_elements_text(CAST(:filters AS jsonb) -> 'customer')))
  {fine}
GROUP BY d.day, d.kind
ORDER BY d.day

-- name: fine-budget-days
-- DuckDB over the period's daily.parquet: io.rebill.costs.FineCosts puts the MSP's rows, or the customer's own of
-- the kinds it sees, as d; {filters}: the budget's dimensions, each IN its bound values
SELECT CAST(d.day AS VARCHAR) AS day, d.kind, sum(d.{measure}) AS amount, min(d.currency) AS currency,
       count(DISTINCT d.currency) AS currencies
FROM {rows}
WHERE d.kind IN ({kinds}) {filters}
GROUP BY d.day, d.kind
ORDER BY d.day

-- name: fire-alert
-- an alert fires once per budget, basis, threshold and month: nothing is returned when it fired before
INSERT INTO budget_alert_fired (account_id, budget_id, period, basis, percent, figure)
VALUES (:account, :budget, :period, :basis, :percent, :figure)
ON CONFLICT DO NOTHING
RETURNING budget_id

-- name: fired-alerts
SELECT budget_id, period, basis, percent, figure, fired_at FROM budget_alert_fired
WHERE account_id = :account AND period = :period ORDER BY fired_at

-- name: detect-anomalies
-- Each account's daily figure per service in the period and the 14 days before it (a day without a row is 0): the
-- MSP's is its cost of every line, a customer's its usage charge. A day is an anomaly when, over the 14 days before
-- it, at least :minActive days had a figure, and the day is more than :sigmas standard deviations and at least
-- :minChange away from their mean. Only complete days count (up to :lastComplete). New ones are stored and returned.
WITH series AS (
    SELECT d.customer_account_id AS account_id, d.service, d.day, min(d.currency) AS currency, sum(d.charge) AS amount
    FROM cost_daily_service d
    WHERE d.msp_id = :msp AND d.period IN (:period, :previous) AND d.kind = 'usage'
      AND d.customer_account_id IS NOT NULL
    GROUP BY d.customer_account_id, d.service, d.day
    UNION ALL
    SELECT CAST(:msp AS uuid), d.service, d.day, min(d.currency), sum(d.cost)
    FROM cost_daily_service d
    WHERE d.msp_id = :msp AND d.period IN (:period, :previous) AND d.kind IN ('usage', 'excluded', 'unassigned')
    GROUP BY d.service, d.day
), keys AS (
    SELECT account_id, service, min(currency) AS currency FROM series GROUP BY account_id, service
), days AS (
    SELECT CAST(g AS date) AS day FROM generate_series(CAST(:from AS date), CAST(:lastComplete AS date),
                                                       interval '1 day') g
), dense AS (
    SELECT k.account_id, k.service, k.currency, days.day, coalesce(s.amount, 0) AS amount
    FROM keys k CROSS JOIN days LEFT JOIN series s ON s.account_id = k.account_id AND s.service = k.service
                                                 AND s.day = days.day
), stats AS (
    SELECT dense.*, avg(amount) OVER w AS mean, stddev_pop(amount) OVER w AS sd,
           count(*) FILTER (WHERE amount <> 0) OVER w AS active
    FROM dense
    WINDOW w AS (PARTITION BY account_id, service ORDER BY day ROWS BETWEEN 14 PRECEDING AND 1 PRECEDING)
)
INSERT INTO cost_anomaly (account_id, msp_id, service, day, currency, amount, baseline, deviation)
SELECT account_id, :msp, service, day, currency, amount, round(mean, 10), round(sd, 10)
FROM stats
WHERE day >= CAST(:periodStart AS date) AND active >= :minActive AND abs(amount - mean) >= :minChange
  AND abs(amount - mean) > :sigmas * sd
ON CONFLICT DO NOTHING
RETURNING account_id, service, day, currency, amount, baseline, deviation

-- name: anomalies
SELECT service, day, currency, amount, baseline, deviation, detected_at FROM cost_anomaly
WHERE account_id = :account ORDER BY day DESC, service LIMIT 50

-- name: insert-channel
INSERT INTO notification_channel (id, account_id, name, kind, target, budget_alerts, anomaly_alerts, created_by)
VALUES (:id, :account, :name, :kind, :target, :budgetAlerts, :anomalyAlerts, :createdBy)

-- name: channels
SELECT id, account_id, name, kind, target, budget_alerts, anomaly_alerts, created_by, created_at
FROM notification_channel WHERE account_id = :account ORDER BY lower(name)

-- name: channel
SELECT id, account_id, name, kind, target, budget_alerts, anomaly_alerts, created_by, created_at
FROM notification_channel WHERE account_id = :account AND id = :id

-- name: delete-channel
DELETE FROM notification_channel WHERE account_id = :account AND id = :id

-- name: enqueue-budget-alert
INSERT INTO notification_delivery (id, account_id, channel_id, subject, body, status, next_attempt_at)
SELECT gen_random_uuid(), account_id, id, :subject, :body, 'pending', now()
FROM notification_channel WHERE account_id = :account AND budget_alerts

-- name: enqueue-anomaly-alert
INSERT INTO notification_delivery (id, account_id, channel_id, subject, body, status, next_attempt_at)
SELECT gen_random_uuid(), account_id, id, :subject, :body, 'pending', now()
FROM notification_channel WHERE account_id = :account AND anomaly_alerts

-- name: deliveries
SELECT v.id, v.channel_id, c.name AS channel_name, c.kind, v.subject, v.status, v.attempts, v.last_error,
       v.created_at, v.delivered_at, v.next_attempt_at
FROM notification_delivery v JOIN notification_channel c ON c.id = v.channel_id AND c.account_id = v.account_id
WHERE v.account_id = :account ORDER BY v.created_at DESC LIMIT 100

-- name: delivery
SELECT v.id, v.channel_id, c.name AS channel_name, c.kind, v.subject, v.status, v.attempts, v.last_error,
       v.created_at, v.delivered_at, v.next_attempt_at
FROM notification_delivery v JOIN notification_channel c ON c.id = v.channel_id AND c.account_id = v.account_id
WHERE v.account_id = :account AND v.id = :id

-- name: claim-due
-- the delivery worker (not a user's request) takes due deliveries of every account, leasing them for :leaseSeconds
-- so that a second server skips them; each is then sent to its own account's channel only
UPDATE notification_delivery SET next_attempt_at = now() + make_interval(secs => :leaseSeconds)
WHERE id IN (SELECT id FROM notification_delivery WHERE status = 'pending' AND next_attempt_at <= now()
             ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
RETURNING id, account_id, channel_id, subject, body, attempts

-- name: delivered
UPDATE notification_delivery SET status = 'delivered', attempts = attempts + 1, delivered_at = now(),
       next_attempt_at = NULL, last_error = NULL
WHERE account_id = :account AND id = :id

-- name: attempt-failed
-- retried after :retrySeconds, or failed for good once :maxAttempts attempts were made
UPDATE notification_delivery SET attempts = attempts + 1, last_error = :error,
       status = CASE WHEN attempts + 1 >= :maxAttempts THEN 'failed' ELSE 'pending' END,
       next_attempt_at = CASE WHEN attempts + 1 >= :maxAttempts THEN NULL
                              ELSE now() + make_interval(secs => :retrySeconds) END
WHERE account_id = :account AND id = :id

-- name: latest-usage-day
SELECT max(day) FROM cost_daily_service WHERE msp_id = :msp AND period = :period AND kind = 'usage'

-- name: periods-since
-- at start, the periods to catch up on (every MSP's, oldest first so a month's baseline is there before it)
SELECT DISTINCT msp_id, period FROM cost_daily_service WHERE period >= :since ORDER BY period, msp_id
