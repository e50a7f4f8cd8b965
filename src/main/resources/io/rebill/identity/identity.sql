-- Users, memberships, API tokens and the audit log. Statements over an account's users are scoped by :account.

-- name: insert-user
INSERT INTO app_user (id, email, display_name, password_hash, created_by)
VALUES (:id, :email, :name, :hash, :createdBy)

-- name: find-user
SELECT * FROM app_user WHERE id = :id

-- name: find-user-by-email
SELECT * FROM app_user WHERE lower(email) = lower(:email)

-- name: display-names-by-email
-- The display names of the users with these addresses (lower case), in one statement (the audit log's page names
-- its actors with them, instead of one statement per actor)
SELECT lower(email) AS email, display_name FROM app_user WHERE lower(email) IN (:emails)

-- name: set-password
UPDATE app_user SET password_hash = :hash WHERE id = :id

-- name: delete-user-without-memberships
DELETE FROM app_user u WHERE u.id = :id AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u.id)

-- name: insert-membership
INSERT INTO membership (user_id, account_id, role, created_by) VALUES (:user, :account, :role, :createdBy)

-- name: signed-in
-- Who a request is (identity/Users#signedIn), in one read: the user, the membership they act through (the one in
-- :account when an API token names it, else the account the session chose under "Your accounts" (:chosen), else the
-- first, the MSP account first) and that account's row. No row: the
-- user was deleted; no membership columns: their access there was removed.
SELECT u.id AS user_id, u.email AS user_email, u.display_name AS user_display_name,
       u.password_hash IS NOT NULL AS user_has_password, u.created_at AS user_created_at,
       home.role AS member_role, a.*
FROM app_user u
LEFT JOIN LATERAL (
    SELECT m.account_id, m.role FROM membership m JOIN account ma ON ma.id = m.account_id
    WHERE m.user_id = u.id AND (CAST(:account AS uuid) IS NULL OR m.account_id = CAST(:account AS uuid))
    ORDER BY m.account_id IS NOT DISTINCT FROM CAST(:chosen AS uuid) DESC, (ma.kind = 'msp') DESC, m.created_at, ma.id
    LIMIT 1
) home ON true
LEFT JOIN account a ON a.id = home.account_id
WHERE u.id = :user

-- name: memberships-of-user
SELECT m.account_id, m.role FROM membership m JOIN account a ON a.id = m.account_id
WHERE m.user_id = :user ORDER BY (a.kind = 'msp') DESC, m.created_at, a.id

-- name: member
-- An account's users are its members and the addresses it invited (invitation, identity/Users#addMember) until the
-- invitation is accepted (then the membership is the row) or revoked. status: a member is 'accepted' when it came
-- through an invitation listed as one, else 'active'; an invitation added as "Send an invitation" is 'pending' or
-- 'expired', one added with an initial password or SSO is listed like a user created at once ('active'), so the list
-- never tells whether the address had a user elsewhere.
SELECT u.id, u.email, u.display_name, u.password_hash IS NOT NULL AS has_password, m.role, m.created_at, m.created_by,
       CASE WHEN EXISTS (SELECT 1 FROM invitation i WHERE i.account_id = m.account_id AND i.accepted_by = u.id
                         AND i.listed_as_invitation) THEN 'accepted' ELSE 'active' END AS status
FROM membership m JOIN app_user u ON u.id = m.user_id
WHERE m.account_id = :account AND m.user_id = :user
UNION ALL
SELECT i.id, i.email, i.display_name, i.with_password AS has_password, i.role, i.created_at, i.created_by,
       CASE WHEN NOT i.listed_as_invitation THEN 'active' WHEN i.expires_at <= now() THEN 'expired'
            ELSE 'pending' END AS status
FROM invitation i WHERE i.account_id = :account AND i.id = :user AND i.accepted_at IS NULL AND i.revoked_at IS NULL

-- name: members
-- A page of the account's users with how many there are in all (the count is an uncorrelated subquery: computed once
-- for the statement, not per row; it was a second statement a request; shared/paging/CountedPages).
SELECT users.*,
       (SELECT count(*) FROM membership WHERE account_id = :account)
     + (SELECT count(*) FROM invitation WHERE account_id = :account AND accepted_at IS NULL AND revoked_at IS NULL)
           AS total
FROM (
    SELECT u.id, u.email, u.display_name, u.password_hash IS NOT NULL AS has_password, m.role, m.created_at,
           m.created_by,
           CASE WHEN EXISTS (SELECT 1 FROM invitation i WHERE i.account_id = m.account_id AND i.accepted_by = u.id
                             AND i.listed_as_invitation) THEN 'accepted' ELSE 'active' END AS status
    FROM membership m JOIN app_user u ON u.id = m.user_id
    WHERE m.account_id = :account
    UNION ALL
    SELECT i.id, i.email, i.display_name, i.with_password, i.role, i.created_at, i.created_by,
           CASE WHEN NOT i.listed_as_invitation THEN 'active' WHEN i.expires_at <= now() THEN 'expired'
                ELSE 'pending' END AS status
    FROM invitation i WHERE i.account_id = :account AND i.accepted_at IS NULL AND i.revoked_at IS NULL
) users ORDER BY lower(email), id LIMIT :limit OFFSET :offset

-- name: is-invitation
SELECT count(*) FROM invitation WHERE account_id = :account AND id = :user AND accepted_at IS NULL
  AND revoked_at IS NULL

-- name: invited
SELECT count(*) FROM invitation WHERE account_id = :account AND lower(email) = lower(:email) AND accepted_at IS NULL
  AND revoked_at IS NULL

-- name: insert-invitation
INSERT INTO invitation (id, account_id, email, display_name, role, with_password, created_by, listed_as_invitation)
VALUES (:id, :account, :email, :name, :role, :withPassword, :createdBy, :listed)

-- name: update-invitation
UPDATE invitation SET display_name = coalesce(:name, display_name), role = coalesce(:role, role)
WHERE account_id = :account AND id = :user AND accepted_at IS NULL AND revoked_at IS NULL

-- name: msp-domain-of-customer
SELECT msp.email_domain FROM account customer JOIN account msp ON msp.id = customer.msp_id
WHERE customer.id = :account AND customer.kind = 'customer'

-- name: count-owners
SELECT count(*) FROM membership WHERE account_id = :account AND role = 'owner'

-- name: update-role
UPDATE membership SET role = :role WHERE account_id = :account AND user_id = :user

-- name: update-name
UPDATE app_user u SET display_name = :name
WHERE u.id = :user AND EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u.id AND m.account_id = :account)

-- name: delete-membership
DELETE FROM membership WHERE account_id = :account AND user_id = :user

-- name: insert-token
INSERT INTO api_token (id, user_id, account_id, name, prefix, token_hash, scope)
VALUES (:id, :user, :account, :name, :prefix, :hash, :scope)

-- name: tokens
SELECT t.*, u.email AS user_email FROM api_token t JOIN app_user u ON u.id = t.user_id
WHERE t.account_id = :account ORDER BY t.created_at DESC, t.id LIMIT :limit OFFSET :offset

-- name: count-tokens
SELECT count(*) FROM api_token WHERE account_id = :account

-- name: find-token
SELECT t.*, u.email AS user_email FROM api_token t JOIN app_user u ON u.id = t.user_id
WHERE t.account_id = :account AND t.id = :id

-- name: revoke-token
UPDATE api_token SET revoked_at = now() WHERE account_id = :account AND id = :id AND revoked_at IS NULL

-- name: token-signed-in
-- An API request's token and who it acts as, in one read (identity/ApiTokens#authenticate; it was two statements a
-- request, the token, then the signed-in read above): the live token with this hash, its user, and the user's
-- membership in the account the token was made in with that account's row, as signed-in reads them for a token
-- (:account the token's account, no :chosen). No row: no live token with this hash; no membership columns: the
-- user is no longer a member there. The token's columns are prefixed, the account's are a.* as signed-in has them.
SELECT t.id AS token_id, t.account_id AS token_account_id, t.name AS token_name, t.prefix AS token_prefix,
       t.scope AS token_scope, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at,
       t.revoked_at AS token_revoked_at,
       u.id AS user_id, u.email AS user_email, u.display_name AS user_display_name,
       u.password_hash IS NOT NULL AS user_has_password, u.created_at AS user_created_at,
       m.role AS member_role, a.*
FROM api_token t
JOIN app_user u ON u.id = t.user_id
LEFT JOIN membership m ON m.user_id = t.user_id AND m.account_id = t.account_id
LEFT JOIN account a ON a.id = m.account_id
WHERE t.token_hash = :hash AND t.revoked_at IS NULL

-- name: token-used
UPDATE api_token SET last_used_at = now() WHERE id = :id

-- name: insert-audit
INSERT INTO audit_log (msp_id, account_id, actor_user_id, actor_email, acting_as, action, target, detail)
VALUES (:msp, :account, :user, :email, :actingAs, :action, :target, CAST(:detail AS jsonb))

-- name: audit-of-msp
-- The MSP sees its own account's entries and those of the customer accounts it manages (or managed). The filter
-- (AuditFilter): who as the reader sees them, kinds of action (the code before the dot), a time range. Each row
-- carries how many entries pass the filter in all (shared/paging/CountedPages; NOT MATERIALIZED: the page reads the
-- newest entries by the index and the count counts, as two queries would, rather than collecting every entry first).
WITH passing AS NOT MATERIALIZED (SELECT * FROM audit_log WHERE msp_id = :msp
  AND (CAST(:actor AS text) IS NULL
       OR lower(CASE WHEN :masked AND acting_as IS NOT NULL THEN acting_as ELSE actor_email END) = lower(CAST(:actor AS text)))
  AND (NOT :byKind OR split_part(action, '.', 1) IN (:kinds))
  AND (CAST(:from AS timestamptz) IS NULL OR at >= CAST(:from AS timestamptz))
  AND (CAST(:until AS timestamptz) IS NULL OR at < CAST(:until AS timestamptz)))
SELECT passing.*, (SELECT count(*) FROM passing) AS total FROM passing
ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset

-- name: audit-of-msp-unfiltered
-- As audit-of-msp without a filter (the page every Owner opens first): the total is the MSP's kept count
-- (audit_log_count, V2026_12_11_0100), read in the same statement and so the same snapshot as the page.
SELECT a.*, (SELECT coalesce(sum(c.entries), 0) FROM audit_log_count c WHERE c.msp_id = :msp) AS total
FROM audit_log a WHERE a.msp_id = :msp
ORDER BY a.at DESC, a.id DESC LIMIT :limit OFFSET :offset

-- name: audit-of-account
-- As audit-of-msp, for one customer account's own log.
WITH passing AS NOT MATERIALIZED (SELECT * FROM audit_log WHERE account_id = :account
  AND (CAST(:actor AS text) IS NULL
       OR lower(CASE WHEN :masked AND acting_as IS NOT NULL THEN acting_as ELSE actor_email END) = lower(CAST(:actor AS text)))
  AND (NOT :byKind OR split_part(action, '.', 1) IN (:kinds))
  AND (CAST(:from AS timestamptz) IS NULL OR at >= CAST(:from AS timestamptz))
  AND (CAST(:until AS timestamptz) IS NULL OR at < CAST(:until AS timestamptz)))
SELECT passing.*, (SELECT count(*) FROM passing) AS total FROM passing
ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset

-- name: audit-actors-of-msp
-- Who appears in the MSP's log, for the page's filter.
SELECT DISTINCT actor_email FROM audit_log WHERE msp_id = :msp ORDER BY actor_email

-- name: audit-actors-of-account
SELECT DISTINCT CASE WHEN acting_as IS NOT NULL THEN acting_as ELSE actor_email END AS actor_email
FROM audit_log WHERE account_id = :account ORDER BY actor_email
