-- Issue 14 item 8: adding a user whose email already belongs to a user of another account must not tell the adder
-- so. Such an add becomes an invitation of that address into the account: the account's users see it like any user
-- it added (name, role, Created By as typed), and nothing about the other account changes or shows.
CREATE TABLE invitation (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    email         text        NOT NULL CHECK (length(email) <= 254),
    display_name  text        NOT NULL CHECK (length(display_name) <= 200),
    role          text        NOT NULL CHECK (role IN ('owner', 'integration_owner', 'editor', 'viewer')),
    -- what the adder asked for (an initial password or SSO), shown back to them as for a new user
    with_password boolean     NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text        NOT NULL
);

CREATE UNIQUE INDEX invitation_account_email ON invitation (account_id, lower(email));
