-- Invitations' links (Invitations). Statements an account's users run carry :account; the link's own statements
-- find the invitation by the hash of its token, which names exactly one invitation of one account.

-- name: find
SELECT * FROM invitation WHERE account_id = :account AND id = :id

-- name: issue
UPDATE invitation SET token_hash = :hash, expires_at = :expires, sent_at = NULL, send_error = NULL
WHERE account_id = :account AND id = :id AND accepted_at IS NULL AND revoked_at IS NULL

-- name: sent
UPDATE invitation SET sent_at = CASE WHEN CAST(:error AS text) IS NULL THEN now() END, send_error = :error
WHERE account_id = :account AND id = :id

-- name: send-error
SELECT send_error FROM invitation WHERE account_id = :account AND id = :id

-- name: by-token
SELECT * FROM invitation WHERE token_hash = :hash

-- name: lock-by-token
SELECT * FROM invitation WHERE token_hash = :hash FOR UPDATE

-- name: accepted
UPDATE invitation SET accepted_at = now(), accepted_by = :user WHERE id = :id AND account_id = :account

-- name: revoke
UPDATE invitation SET revoked_at = now()
WHERE account_id = :account AND id = :id AND accepted_at IS NULL AND revoked_at IS NULL

-- name: account-name
SELECT name FROM account WHERE id = :account
