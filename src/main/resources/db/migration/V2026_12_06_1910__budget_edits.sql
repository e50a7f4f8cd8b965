-- Budgets become editable (docs/budgets.md). A budget may name the channels that get its alerts (its recipients):
-- NULL sends them to every channel of the account with budget alerts on, as before.
ALTER TABLE budget ADD COLUMN channel_ids jsonb;
ALTER TABLE budget ADD COLUMN updated_at timestamptz;

-- An alert fires once per budget, basis, threshold, month AND amount: re-saving a budget with the same amount (a new
-- name, other recipients) fires nothing again, while a new amount has new levels, which fire when reached. Rows
-- fired before this version were fired at the budget's current amount.
ALTER TABLE budget_alert_fired ADD COLUMN amount numeric;
UPDATE budget_alert_fired f SET amount = b.amount FROM budget b WHERE b.id = f.budget_id;
ALTER TABLE budget_alert_fired ALTER COLUMN amount SET NOT NULL;
ALTER TABLE budget_alert_fired DROP CONSTRAINT budget_alert_fired_pkey;
ALTER TABLE budget_alert_fired ADD PRIMARY KEY (budget_id, period, basis, percent, amount);
