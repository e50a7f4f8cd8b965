-- Billing rules, workflows and assignments of one MSP (io.rebill.billingconfig). Every statement is scoped by
-- msp_id = :msp; customer accounts additionally by kind = 'customer' AND msp_id = :msp.

-- name: lock-msp
-- serialises configuration changes of one MSP: each change validates the whole configuration it leaves behind
SELECT id FROM account WHERE id = :msp AND kind = 'msp' FOR UPDATE

-- name: msp
SELECT * FROM account WHERE id = :msp AND kind = 'msp'

-- name: customers
SELECT * FROM account WHERE kind = 'customer' AND msp_id = :msp
ORDER BY claim_position NULLS LAST, created_at, id

-- name: rules
SELECT id, key, kind, title, definition::text AS definition, position, created_at, created_by, updated_at
FROM billing_rule WHERE msp_id = :msp ORDER BY position, created_at, key

-- name: rules-page
SELECT id, key, kind, title, definition::text AS definition, position, created_at, created_by, updated_at
FROM billing_rule WHERE msp_id = :msp ORDER BY position, created_at, key LIMIT :limit OFFSET :offset

-- name: count-rules
SELECT count(*) FROM billing_rule WHERE msp_id = :msp

-- name: next-rule-position
SELECT COALESCE(max(position), 0) + 1 FROM billing_rule WHERE msp_id = :msp

-- name: insert-rule
INSERT INTO billing_rule (id, msp_id, key, kind, title, definition, position, created_by)
VALUES (:id, :msp, :key, :kind, :title, CAST(:definition AS jsonb), :position, :createdBy)

-- name: update-rule
UPDATE billing_rule SET key = :key, kind = :kind, title = :title, definition = CAST(:definition AS jsonb),
    updated_at = now()
WHERE msp_id = :msp AND id = :id

-- name: delete-rule
DELETE FROM billing_rule WHERE msp_id = :msp AND id = :id

-- name: delete-rules
DELETE FROM billing_rule WHERE msp_id = :msp

-- name: workflows
SELECT id, key, title, basis, rule_keys::text AS rule_keys, position, customer_account_id, created_at, created_by,
    updated_at
FROM workflow WHERE msp_id = :msp ORDER BY position, created_at, key

-- name: workflows-page
SELECT id, key, title, basis, rule_keys::text AS rule_keys, position, customer_account_id, created_at, created_by,
    updated_at
FROM workflow WHERE msp_id = :msp AND (:withAccounts OR customer_account_id IS NULL)
ORDER BY position, created_at, key LIMIT :limit OFFSET :offset

-- name: workflow
SELECT id, key, title, basis, rule_keys::text AS rule_keys, position, customer_account_id, created_at, created_by,
    updated_at
FROM workflow WHERE msp_id = :msp AND id = :id AND (:withAccounts OR customer_account_id IS NULL)

-- name: count-workflows
SELECT count(*) FROM workflow WHERE msp_id = :msp AND (:withAccounts OR customer_account_id IS NULL)

-- name: next-workflow-position
SELECT COALESCE(max(position), 0) + 1 FROM workflow WHERE msp_id = :msp

-- name: insert-workflow
INSERT INTO workflow (id, msp_id, key, title, basis, rule_keys, position, customer_account_id, created_by)
VALUES (:id, :msp, :key, :title, :basis, CAST(:ruleKeys AS jsonb), :position, :customer, :createdBy)

-- name: update-workflow
UPDATE workflow SET key = :key, title = :title, basis = :basis, rule_keys = CAST(:ruleKeys AS jsonb),
    updated_at = now()
WHERE msp_id = :msp AND id = :id

-- name: delete-workflow
DELETE FROM workflow WHERE msp_id = :msp AND id = :id

-- name: delete-workflows
DELETE FROM workflow WHERE msp_id = :msp

-- name: delete-unassigned-account-workflows
-- a customer's own workflow (from "Assign a Billing Rule") goes once no assignment names it
DELETE FROM workflow w
WHERE w.msp_id = :msp AND w.customer_account_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM billing_assignment b WHERE b.msp_id = w.msp_id AND b.workflow_key = w.key)

-- name: assignments
SELECT b.customer_account_id, b.from_period, b.workflow_key, b.created_at, b.created_by
FROM billing_assignment b
JOIN account a ON a.id = b.customer_account_id AND a.kind = 'customer' AND a.msp_id = :msp
WHERE b.msp_id = :msp
ORDER BY a.claim_position NULLS LAST, a.created_at, a.id, b.from_period

-- name: assigned-customers
-- Whom each of the listed workflows bills (in any period): the customers' keys in the MSP's claim order, as the
-- workflows list shows them (assigned_to); reads only the listed workflows' assignments, through billing_assignment_msp.
SELECT b.workflow_key, a.key AS customer_key
FROM billing_assignment b
JOIN account a ON a.id = b.customer_account_id AND a.kind = 'customer' AND a.msp_id = :msp
WHERE b.msp_id = :msp AND b.workflow_key IN (:workflows)
ORDER BY a.claim_position NULLS LAST, a.created_at, a.id, b.from_period

-- name: upsert-assignment
INSERT INTO billing_assignment (msp_id, customer_account_id, from_period, workflow_key, created_by)
VALUES (:msp, :customer, :from, :workflow, :createdBy)
ON CONFLICT (customer_account_id, from_period)
DO UPDATE SET workflow_key = EXCLUDED.workflow_key, created_by = EXCLUDED.created_by, created_at = now()

-- name: delete-assignment
DELETE FROM billing_assignment WHERE msp_id = :msp AND customer_account_id = :customer AND from_period = :from

-- name: delete-assignments
DELETE FROM billing_assignment WHERE msp_id = :msp

-- name: set-customer-billing
UPDATE account SET match_expression = :match, claim_position = :position
WHERE id = :id AND kind = 'customer' AND msp_id = :msp
