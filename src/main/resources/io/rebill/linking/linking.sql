-- name: link-many
-- One assignment row per provider account from a period on (customer NULL: billed to nobody), like
-- tenancy.sql's insert-linked-account but for many accounts in one statement; scoped by the MSP.
INSERT INTO linked_account_assignment (msp_id, integration_id, sub_account_id, from_period, customer_account_id, created_by)
SELECT :msp, :integration, s, :from, :customer, :createdBy FROM unnest(string_to_array(:subs, ',')) AS s
ON CONFLICT (integration_id, sub_account_id, from_period)
DO UPDATE SET customer_account_id = EXCLUDED.customer_account_id, created_by = EXCLUDED.created_by, created_at = now()

-- name: customer-names
SELECT id, name FROM account WHERE msp_id = :msp AND kind = 'customer'

-- name: linked-accounts-version
-- The versions of an MSP's linked-account assignments and of its customer accounts' names (ProviderAccounts#version):
-- counters raised by triggers in every writing transaction, read by their keys; 0 until the first change.
SELECT COALESCE((SELECT v.version FROM linked_account_assignment_version v WHERE v.msp_id = :msp), 0) AS assignments,
       COALESCE((SELECT v.version FROM customer_name_version v WHERE v.msp_id = :msp), 0) AS customer_names
