-- Accounts and integrations. Every statement over customer accounts carries the MSP scope
-- "kind = 'customer' AND msp_id = :msp" so that one MSP never reads or writes another's accounts.

-- name: insert-account
INSERT INTO account (id, kind, msp_id, key, name, contact_email, email_domain, currency, created_by)
VALUES (:id, :kind, :msp, :key, :name, :email, :domain, :currency, :createdBy)

-- name: find-account
SELECT * FROM account WHERE id = :id

-- name: find-msp-by-key
SELECT * FROM account WHERE kind = 'msp' AND key = :key

-- name: find-managed
SELECT * FROM account WHERE id = :id AND kind = 'customer' AND msp_id = :msp

-- name: find-managed-by-key
SELECT * FROM account WHERE key = :key AND kind = 'customer' AND msp_id = :msp

-- name: managed-list-inputs
-- What the Managed Accounts list is made of, read on every request in one statement (tenancy/ManagedListInputs): the
-- version of the MSP's customer accounts (V2026_12_10_0200), the version of its linked-account assignments
-- (V2026_12_08_0100), each a counter raised by a trigger in every writing transaction and read by its key (0 until
-- the first change), and the ingestion sources of its integrations (the tracked spend's stored generations are in
-- their state.json files).
SELECT COALESCE((SELECT v.version FROM customer_account_version v WHERE v.msp_id = :msp), 0) AS customers,
       COALESCE((SELECT v.version FROM linked_account_assignment_version v WHERE v.msp_id = :msp), 0)::text
           AS assignments,
       ARRAY(SELECT DISTINCT i.source_name FROM integration i WHERE i.account_id = :msp ORDER BY i.source_name)
           AS sources

-- name: managed-by-name
-- Every customer account of the MSP in the list's order (the index account_customer_name_order), kept under the
-- version read before it (tenancy/KeptCustomerAccounts).
SELECT * FROM account WHERE kind = 'customer' AND msp_id = :msp ORDER BY lower(name), id

-- name: count-managed
SELECT count(*) FROM account WHERE kind = 'customer' AND msp_id = :msp

-- name: list-msps
SELECT * FROM account WHERE kind = 'msp' ORDER BY created_at, id

-- name: email-taken
SELECT count(*) FROM account WHERE kind = 'customer' AND lower(contact_email) = lower(:email) AND id <> :id

-- name: key-taken
SELECT count(*) FROM account WHERE kind = 'customer' AND msp_id = :msp AND key = :key

-- name: update-managed
UPDATE account SET name = :name, contact_email = :email, match_expression = :match
WHERE id = :id AND kind = 'customer' AND msp_id = :msp

-- name: delete-managed
DELETE FROM account WHERE id = :id AND kind = 'customer' AND msp_id = :msp

-- name: unlink-managed
UPDATE account SET msp_id = NULL, unlinked_at = now() WHERE id = :id AND kind = 'customer' AND msp_id = :msp

-- name: unlink-linked-accounts
DELETE FROM linked_account_assignment WHERE msp_id = :msp AND customer_account_id = :id

-- name: unlink-billing
DELETE FROM billing_assignment WHERE msp_id = :msp AND customer_account_id = :id

-- name: integration-sources-of-account
SELECT source_name FROM integration WHERE account_id = :id

-- name: insert-integration
INSERT INTO integration (id, account_id, provider, name, source_name, folder, created_by)
VALUES (:id, :account, :provider, :name, :source, :folder, :createdBy)

-- name: integrations-of-account
SELECT * FROM integration WHERE account_id = :account ORDER BY lower(name), id

-- name: find-integration
SELECT * FROM integration WHERE account_id = :account AND id = :id

-- name: delete-integration
DELETE FROM integration WHERE account_id = :account AND id = :id

-- name: insert-linked-account
INSERT INTO linked_account_assignment (msp_id, integration_id, sub_account_id, from_period, customer_account_id, created_by)
VALUES (:msp, :integration, :sub, :from, :customer, :createdBy)
ON CONFLICT (integration_id, sub_account_id, from_period)
DO UPDATE SET customer_account_id = EXCLUDED.customer_account_id, created_by = EXCLUDED.created_by, created_at = now()

-- name: linked-accounts-of-integration
SELECT l.*, a.name AS customer_name FROM linked_account_assignment l
LEFT JOIN account a ON a.id = l.customer_account_id AND a.msp_id = :msp
WHERE l.msp_id = :msp AND l.integration_id = :integration
ORDER BY l.sub_account_id, l.from_period

-- name: linked-accounts-of-customer
-- The assignments of one integration that bill (or billed, from an earlier period) one customer account: a customer's
-- view of the MSP's integrations, read through the index on customer_account_id instead of the integration's every
-- assignment (1,000 rows at the load benchmark) filtered in Java.
SELECT l.*, a.name AS customer_name FROM linked_account_assignment l
LEFT JOIN account a ON a.id = l.customer_account_id AND a.msp_id = :msp
WHERE l.customer_account_id = :customer AND l.msp_id = :msp AND l.integration_id = :integration
ORDER BY l.sub_account_id, l.from_period

-- name: linked-accounts-of-msp
SELECT l.*, a.name AS customer_name FROM linked_account_assignment l
LEFT JOIN account a ON a.id = l.customer_account_id AND a.msp_id = :msp
WHERE l.msp_id = :msp ORDER BY l.integration_id, l.sub_account_id, l.from_period

-- name: owners-in
-- Who each linked account is billed to in :period: per (integration, sub account) the assignment with the latest
-- from_period not after it (YYYY-MM compares as text), null when that one bills nobody (tenancy/Integrations#ownersIn).
SELECT DISTINCT ON (integration_id, sub_account_id) integration_id, sub_account_id, customer_account_id
FROM linked_account_assignment
WHERE msp_id = :msp AND from_period COLLATE "C" <= :period
ORDER BY integration_id, sub_account_id, from_period COLLATE "C" DESC

-- name: delete-linked-account
DELETE FROM linked_account_assignment
WHERE msp_id = :msp AND integration_id = :integration AND sub_account_id = :sub AND from_period = :from

-- name: managed-integrations-of-customer
-- MSP integrations that bill at least one linked account to this customer: shown to the customer read-only.
SELECT DISTINCT i.* FROM integration i
JOIN linked_account_assignment l ON l.integration_id = i.id
JOIN account c ON c.id = l.customer_account_id
WHERE c.id = :customer AND c.msp_id = i.account_id
ORDER BY i.name

-- name: members-of-account
SELECT user_id FROM membership WHERE account_id = :id

-- name: delete-users-without-account
-- Users of a deleted account who belong to no other account go with it (their email may be reused later).
DELETE FROM app_user u WHERE u.id IN (:users) AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u.id)
