-- SSO connections (OpenID Connect), one per customer account. Statements over a connection are scoped by :account;
-- the lookups by domain route a sign-in to the account that owns the domain.

-- name: find
SELECT * FROM sso_connection WHERE account_id = :account

-- name: find-by-domain
SELECT * FROM sso_connection WHERE lower(email_domain) = lower(:domain)

-- name: domain-of-other-account
SELECT count(*) FROM sso_connection WHERE lower(email_domain) = lower(:domain) AND account_id <> :account

-- name: domain-of-an-msp
SELECT count(*) FROM account WHERE kind = 'msp' AND lower(email_domain) = lower(:domain)

-- name: upsert
INSERT INTO sso_connection (account_id, email_domain, issuer, client_id, client_secret, default_role, created_by)
VALUES (:account, :domain, :issuer, :clientId, :secret, :role, :createdBy)
ON CONFLICT (account_id) DO UPDATE SET email_domain = EXCLUDED.email_domain, issuer = EXCLUDED.issuer,
    client_id = EXCLUDED.client_id, client_secret = EXCLUDED.client_secret, default_role = EXCLUDED.default_role

-- name: delete
DELETE FROM sso_connection WHERE account_id = :account

-- name: stored-secrets
-- Every connection's sealed (or, before this version, plain) client secret: for sealing at start and re-sealing
-- after a key rotation; the operator's maintenance, across accounts by design, each row keyed by its account.
SELECT account_id, client_secret FROM sso_connection ORDER BY account_id FOR UPDATE

-- name: replace-secret
UPDATE sso_connection SET client_secret = :secret WHERE account_id = :account AND client_secret = :old
