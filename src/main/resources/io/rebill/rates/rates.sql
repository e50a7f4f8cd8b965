-- name: list
SELECT from_currency, period, rate, created_at, created_by FROM exchange_rate
WHERE msp_id = :msp ORDER BY period DESC, from_currency

-- name: upsert
INSERT INTO exchange_rate (msp_id, from_currency, period, rate, created_by)
VALUES (:msp, :from, :period, :rate, :createdBy)
ON CONFLICT (msp_id, from_currency, period)
DO UPDATE SET rate = EXCLUDED.rate, created_by = EXCLUDED.created_by, created_at = now()

-- name: find
SELECT from_currency, period, rate, created_at, created_by FROM exchange_rate
WHERE msp_id = :msp AND from_currency = :from AND period = :period

-- name: delete
DELETE FROM exchange_rate WHERE msp_id = :msp AND from_currency = :from AND period = :period

-- name: msp-currency
SELECT currency FROM account WHERE id = :msp AND kind = 'msp'
