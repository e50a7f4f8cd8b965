-- Issue 14 items 5 and 8 (docs/security.md "Invitations", "Throttled sign-in").
--
-- An invitation is accepted through a link mailed to the address: only the SHA-256 of its random token is kept,
-- the link expires, can be revoked by the account and re-sent (a new token; the old link stops working). Accepting
-- makes the person a member of the account (one user per email, many memberships); until then it grants nothing.
-- `listed_as_invitation`: added with "Send an invitation" the account's users list shows it as Pending / Expired /
-- Accepted; added with an initial password or SSO, it is listed like a user created at once, whatever the address
-- (so the list never tells whether the address already had a user elsewhere).
ALTER TABLE invitation
    ADD COLUMN token_hash           text UNIQUE,
    ADD COLUMN expires_at           timestamptz,
    ADD COLUMN sent_at              timestamptz,
    ADD COLUMN send_error           text CHECK (length(send_error) <= 500),
    ADD COLUMN accepted_at          timestamptz,
    ADD COLUMN accepted_by          uuid REFERENCES app_user (id) ON DELETE SET NULL,
    ADD COLUMN revoked_at           timestamptz,
    ADD COLUMN listed_as_invitation boolean NOT NULL DEFAULT false;

-- an address can be invited again once its earlier invitation was accepted or revoked
DROP INDEX invitation_account_email;
CREATE UNIQUE INDEX invitation_account_email ON invitation (account_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Failed password sign-ins (io.rebill.identity.SignInThrottle): one row per email typed ("account:...") and per
-- client address ("address:..."), so a restart or a second server process keeps counting. Rows whose failures are
-- forgotten (forget_at passed) are deleted by the next failure.
CREATE TABLE sign_in_failure (
    key          text        PRIMARY KEY CHECK (length(key) <= 400),
    failures     integer     NOT NULL,
    last_at      timestamptz NOT NULL,
    locked_until timestamptz NOT NULL,
    forget_at    timestamptz NOT NULL
);

CREATE INDEX sign_in_failure_forget ON sign_in_failure (forget_at);
