-- Saved cost reports and virtual tags (issue 12 items 2 and 4). Every statement is scoped by the account that owns
-- the report or tag (:account); the figures of a report are scoped by the MSP (:msp) and, for a customer account,
-- by its account and the kinds a customer sees (io.rebill.costs.ReportQuery adds those).

-- name: list-reports
SELECT id, title, definition, is_default, created_by, created_at, updated_at FROM cost_report
WHERE account_id = :account ORDER BY is_default DESC, lower(title), created_at

-- name: get-report
SELECT id, title, definition, is_default, created_by, created_at, updated_at FROM cost_report
WHERE account_id = :account AND id = :id

-- name: insert-report
INSERT INTO cost_report (id, account_id, title, definition, created_by, created_by_user)
VALUES (:id, :account, :title, CAST(:definition AS jsonb), :createdBy, :user)

-- name: update-report
UPDATE cost_report SET title = :title, definition = CAST(:definition AS jsonb), updated_at = now()
WHERE account_id = :account AND id = :id

-- name: delete-report
DELETE FROM cost_report WHERE account_id = :account AND id = :id

-- name: msp-name
-- the MSP whose bill runs a report reads ("Billed by <name>" in a customer's report by source)
SELECT name FROM account WHERE id = :msp AND kind = 'msp'

-- name: list-tags
SELECT id, key, rules, created_by, created_at, updated_at FROM virtual_tag
WHERE account_id = :account ORDER BY lower(key)

-- name: get-tag
SELECT id, key, rules, created_by, created_at, updated_at FROM virtual_tag WHERE account_id = :account AND id = :id

-- name: tag-key-taken
SELECT count(*) FROM virtual_tag WHERE account_id = :account AND lower(key) = lower(:key) AND id <> :id

-- name: insert-tag
INSERT INTO virtual_tag (id, account_id, key, rules, created_by, created_by_user)
VALUES (:id, :account, :key, CAST(:rules AS jsonb), :createdBy, :user)

-- name: update-tag
UPDATE virtual_tag SET key = :key, rules = CAST(:rules AS jsonb), updated_at = now()
WHERE account_id = :account AND id = :id

-- name: delete-tag
DELETE FROM virtual_tag WHERE account_id = :account AND id = :id

-- name: tags-of-msp
-- the virtual tags a bill run of the MSP computes: the MSP's own (over every line) and its customers' (over theirs)
SELECT t.id, t.account_id, t.key, t.rules, a.kind, a.name FROM virtual_tag t JOIN account a ON a.id = t.account_id
WHERE t.account_id = :msp OR a.msp_id = :msp
ORDER BY t.account_id, t.id

-- name: report-figures
-- over the rollup cost_daily_service (a report by service and customer only); {bucket}, {k1}, {k2}: constants of
-- io.rebill.costs.ReportQuery; {scope}: the customer's account and kinds, and the filters (bound)
SELECT {bucket} AS bucket, {k1} AS k1, {k2} AS k2, min(d.currency) AS currency,
       count(DISTINCT d.currency) AS currencies, sum({measure}) AS amount
FROM cost_daily_service d LEFT JOIN account a ON a.id = d.customer_account_id AND a.msp_id = d.msp_id
WHERE d.msp_id = :msp AND d.period BETWEEN :pfrom AND :pto AND d.day BETWEEN :from AND :to
{scope}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3

-- name: fine-report-figures
-- DuckDB over the periods' daily.parquet or tags.parquet: io.rebill.costs.FineCosts puts the MSP's rows, or the
-- customer's own of the kinds it sees, as d with the customer account joined as a; {scope}: the tag's source and
-- key and the filters (bound, after the window's first and last day)
SELECT CAST({bucket} AS VARCHAR) AS bucket, {k1} AS k1, {k2} AS k2, min(d.currency) AS currency,
       count(DISTINCT d.currency) AS currencies, sum({measure}) AS amount
FROM {rows}
WHERE d.day BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
{scope}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
