-- Where integrations read their files and when they sync (IntegrationSetup). Statements over one integration are
-- scoped by :account; the scheduler's and the key rotation's statements run for the operator across accounts and
-- return each row with its account.

-- name: set-location
UPDATE integration SET location_kind = :kind, location = CAST(:location AS jsonb), credential = :credential,
    sync_minutes = :syncMinutes, next_sync_at = :next
WHERE account_id = :account AND id = :id

-- name: set-sync-minutes
UPDATE integration SET sync_minutes = :syncMinutes, next_sync_at = least(next_sync_at, :next)
WHERE account_id = :account AND id = :id

-- name: synced
UPDATE integration SET last_sync_at = :at, next_sync_at = :next WHERE account_id = :account AND id = :id

-- name: credential
SELECT credential FROM integration WHERE account_id = :account AND id = :id

-- name: due
SELECT account_id, id FROM integration
WHERE location_kind IN ('s3', 'azure_blob') AND next_sync_at IS NOT NULL AND next_sync_at <= :now
ORDER BY next_sync_at LIMIT 50

-- name: stored-credentials
SELECT account_id, id, credential FROM integration WHERE credential IS NOT NULL ORDER BY id FOR UPDATE

-- name: replace-credential
UPDATE integration SET credential = :credential WHERE account_id = :account AND id = :id AND credential = :old

-- name: set-folder
UPDATE integration SET folder = :folder WHERE account_id = :account AND id = :id
