-- Budgets, alerts, anomalies and notifications (issue 12 item 5). Every statement is scoped by the account whose
-- resource a row is (:account); figures are read from the daily aggregates of that account's MSP (:msp) and, for a
-- customer, only its own rows and only the kinds a customer sees. {table}, {measure}, {scope} and {kinds} are
-- replaced by constants of io.rebill.budgets.internal.BudgetFigures, never by input.

-- name: insert-budget
INSERT INTO budget (id, account_id, msp_id, name, amount, currency, measure, filters, alerts, channel_ids, created_by)
VALUES (:id, :account, :msp, :name, :amount, :currency, :measure, CAST(:filters AS jsonb), CAST(:alerts AS jsonb),
        CAST(:channels AS jsonb), :createdBy)

-- name: update-budget
-- everything a user may change; created_by and created_at stay (Created By is who made it, as for reports)
UPDATE budget SET name = :name, amount = :amount, measure = :measure, filters = CAST(:filters AS jsonb),
       alerts = CAST(:alerts AS jsonb), channel_ids = CAST(:channels AS jsonb), updated_at = now()
WHERE account_id = :account AND id = :id

-- name: account-channel
-- a channel of the account (a budget's recipients name only those)
SELECT count(*) FROM notification_channel WHERE account_id = :account AND id = :id

-- name: managed-customer
-- a customer account the MSP manages (an MSP budget's filters.customer names only those)
SELECT count(*) FROM account WHERE id = :id AND msp_id = :msp

-- name: budgets
SELECT id, account_id, name, amount, currency, measure, CAST(filters AS text) AS filters,
       CAST(alerts AS text) AS alerts, CAST(channel_ids AS text) AS channel_ids, created_by, created_at
FROM budget WHERE account_id = :account ORDER BY lower(name)

-- name: budget
SELECT id, account_id, name, amount, currency, measure, CAST(filters AS text) AS filters,
       CAST(alerts AS text) AS alerts, CAST(channel_ids AS text) AS channel_ids, created_by, created_at
FROM budget WHERE account_id = :account AND id = :id

-- name: delete-budget
DELETE FROM budget WHERE account_id = :account AND id = :id

-- name: budgets-of-msp
-- after a bill run of the MSP: its own budgets and those of every customer account it bills
SELECT id, account_id, name, amount, currency, measure, CAST(filters AS text) AS filters,
       CAST(alerts AS text) AS alerts, CAST(channel_ids AS text) AS channel_ids, created_by, created_at
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
-- (and amount: a budget edited to a new amount has new levels, docs/budgets.md)
INSERT INTO budget_alert_fired (account_id, budget_id, period, basis, percent, amount, figure)
VALUES (:account, :budget, :period, :basis, :percent, :amount, :figure)
ON CONFLICT DO NOTHING
RETURNING budget_id

-- name: fired-alerts
-- the alerts fired at each budget's current amount (those fired at an amount it had before are not its alerts now)
SELECT f.budget_id, f.period, f.basis, f.percent, f.figure, f.fired_at
FROM budget_alert_fired f JOIN budget b ON b.id = f.budget_id AND b.account_id = f.account_id AND b.amount = f.amount
WHERE f.account_id = :account AND f.period = :period ORDER BY f.fired_at

-- name: detect-anomalies
-- Each account's daily figure per service in the period and the :window days before it (a day without a row is 0):
-- the MSP's is its cost of every line, a customer's its usage charge. The 1st of each month is left out (providers
-- date the month's fees, upfront commitments, tax and credits to its first hour). A day is an anomaly when, over the
-- :window days before it, the service had a figure on at least :minActive of them (or on none, while the account had
-- figures on at least :minActive: a new service), and its distance from their median is at least :minChange, at
-- least :minRelative x the median, and more than :sigmas x their robust spread (1.4826 x the median absolute
-- deviation). A day right after an anomalous day of the same service is the same spike and not reported again.
-- Only complete days count (up to :lastComplete). New ones are stored and returned (docs/budgets.md).
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
    WHERE extract(day FROM g) <> 1
), starts AS (
    -- an account's days count from its first day with a figure: days before its history began are not zeros
    SELECT account_id, min(day) AS first_day FROM series GROUP BY account_id
), dense AS (
    SELECT k.account_id, k.service, k.currency, days.day, coalesce(s.amount, 0) AS amount
    FROM keys k JOIN starts st ON st.account_id = k.account_id JOIN days ON days.day >= st.first_day
         LEFT JOIN series s ON s.account_id = k.account_id AND s.service = k.service AND s.day = days.day
), history AS (
    -- how many of the window's days the account had any figure on (a new service needs an account with a history)
    SELECT a.account_id, days.day, count(s.day) OVER (PARTITION BY a.account_id ORDER BY days.day
                                                      ROWS BETWEEN :window PRECEDING AND 1 PRECEDING) AS account_days
    FROM (SELECT DISTINCT account_id FROM keys) a CROSS JOIN days
         LEFT JOIN (SELECT DISTINCT account_id, day FROM series) s ON s.account_id = a.account_id AND s.day = days.day
), bounds AS (
    -- a cheap first pass: the median lies between the window's lowest and highest figure, so a day within
    -- :minChange of both cannot be an anomaly (the rows window covers at least the :window calendar days)
    SELECT dense.*, min(amount) OVER w AS low, max(amount) OVER w AS high
    FROM dense
    WINDOW w AS (PARTITION BY account_id, service ORDER BY day ROWS BETWEEN :window PRECEDING AND 1 PRECEDING)
), candidates AS (
    SELECT account_id, service, currency, day, amount FROM bounds
    WHERE day >= CAST(:periodStart AS date) - 1 AND (amount >= low + :minChange OR amount <= high - :minChange)
), med AS (
    SELECT d.account_id, d.service, d.currency, d.day, d.amount,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY w.amount) AS median,
           count(*) FILTER (WHERE w.amount <> 0) AS active
    FROM candidates d JOIN dense w ON w.account_id = d.account_id AND w.service = d.service
                                  AND w.day BETWEEN d.day - :window AND d.day - 1
    GROUP BY d.account_id, d.service, d.currency, d.day, d.amount
), spread AS (
    SELECT m.account_id, m.service, m.currency, m.day, m.amount, m.median, m.active,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY abs(w.amount - m.median)) * 1.4826 AS spread
    FROM med m JOIN dense w ON w.account_id = m.account_id AND w.service = m.service
                           AND w.day BETWEEN m.day - :window AND m.day - 1
    GROUP BY m.account_id, m.service, m.currency, m.day, m.amount, m.median, m.active
), flagged AS (
    SELECT x.*, (   (x.active >= :minActive OR (x.active = 0 AND h.account_days >= :minActive))
                AND abs(x.amount - x.median) >= :minChange
                AND abs(x.amount - x.median) >= :minRelative * abs(x.median)
                AND abs(x.amount - x.median) > :sigmas * x.spread) AS outlier
    FROM spread x JOIN history h ON h.account_id = x.account_id AND h.day = x.day
)
INSERT INTO cost_anomaly (account_id, msp_id, service, day, currency, amount, baseline, deviation)
SELECT f.account_id, :msp, f.service, f.day, f.currency, f.amount, f.median, round(f.spread, 10)
FROM flagged f
WHERE f.day >= CAST(:periodStart AS date) AND f.outlier
  -- the same spike as the day before (the 2nd follows the last day of the month before: the 1st is left out)
  AND NOT EXISTS (SELECT 1 FROM flagged p WHERE p.account_id = f.account_id AND p.service = f.service AND p.outlier
                  AND p.day = CASE WHEN extract(day FROM f.day) = 2 THEN f.day - 2 ELSE f.day - 1 END)
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

-- name: update-channel
UPDATE notification_channel SET name = :name, target = :target, budget_alerts = :budgetAlerts,
       anomaly_alerts = :anomalyAlerts
WHERE account_id = :account AND id = :id

-- name: delete-channel
DELETE FROM notification_channel WHERE account_id = :account AND id = :id

-- name: enqueue-budget-alert
-- to the budget's recipients (:channels, a JSON array of channel ids) or, when it names none, to every channel of
-- the account with budget alerts on
INSERT INTO notification_delivery (id, account_id, channel_id, subject, body, status, next_attempt_at)
SELECT gen_random_uuid(), account_id, id, :subject, :body, 'pending', now()
FROM notification_channel
WHERE account_id = :account
  AND (CASE WHEN CAST(:channels AS jsonb) IS NULL THEN budget_alerts
            ELSE CAST(id AS text) IN (SELECT jsonb_array_elements_text(CAST(:channels AS jsonb))) END)

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
-- no row when the period has no usage (yet): its anomalies wait for some
SELECT max(day) FROM cost_daily_service WHERE msp_id = :msp AND period = :period AND kind = 'usage'
HAVING max(day) IS NOT NULL

-- name: periods-since
-- at start, the periods to catch up on (every MSP's, oldest first so a month's baseline is there before it)
SELECT DISTINCT msp_id, period FROM cost_daily_service WHERE period >= :since ORDER BY period, msp_id
