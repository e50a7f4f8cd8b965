-- The MSP portal (issue 4). An account is the unit of isolation: an MSP's management account, or a customer
-- (managed) account that belongs to one MSP until it is unlinked. Every MSP-owned row carries msp_id and every
-- query of the portal is scoped by it (tenancy/tenancy.sql, identity/identity.sql); a customer's own rows carry
-- account_id and are scoped by that.

DROP TABLE audit_log;
DROP TABLE tenant;

CREATE TABLE account (
    id            uuid        PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('msp', 'customer')),
    -- the MSP a customer account belongs to; null for an MSP and for an unlinked customer account
    msp_id        uuid        REFERENCES account (id) ON DELETE CASCADE,
    -- the customer's id in msp.yaml (unique per MSP); the MSP's own short name for MSP accounts
    key           text        NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name          text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    contact_email text        NOT NULL CHECK (length(contact_email) <= 254),
    -- MSP accounts only: contact emails of its customer accounts must be in this domain
    email_domain  text        CHECK (email_domain IS NULL OR email_domain ~ '^[a-z0-9.-]+$'),
    currency      text        NOT NULL DEFAULT 'USD',
    -- customer accounts only: an optional CEL predicate that claims lines beside the linked accounts
    match_expression text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- what the account's users see as Created By: a person's name, or 'Manager User'
    created_by    text        NOT NULL,
    unlinked_at   timestamptz,
    CONSTRAINT msp_accounts_have_a_domain CHECK (kind = 'customer' OR email_domain IS NOT NULL),
    CONSTRAINT msp_accounts_belong_to_no_msp CHECK (kind = 'customer' OR msp_id IS NULL)
);

CREATE UNIQUE INDEX account_msp_domain ON account (lower(email_domain)) WHERE kind = 'msp';
CREATE UNIQUE INDEX account_customer_email ON account (lower(contact_email)) WHERE kind = 'customer';
CREATE UNIQUE INDEX account_customer_key ON account (msp_id, key) WHERE kind = 'customer' AND msp_id IS NOT NULL;
CREATE INDEX account_msp ON account (msp_id);

CREATE TABLE app_user (
    id            uuid        PRIMARY KEY,
    email         text        NOT NULL CHECK (length(email) <= 254),
    display_name  text        NOT NULL CHECK (length(display_name) <= 200),
    -- "{bcrypt}..." (Spring's delegating encoder); null for users who only sign in with SSO
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text        NOT NULL
);

CREATE UNIQUE INDEX app_user_email ON app_user (lower(email));

-- A user's role in one account. Management roles: owner, integration_owner, editor, viewer;
-- customer roles: owner, editor, viewer (checked by the application against the account's kind).
CREATE TABLE membership (
    user_id    uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    account_id uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('owner', 'integration_owner', 'editor', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    PRIMARY KEY (user_id, account_id)
);

CREATE INDEX membership_account ON membership (account_id);

CREATE TABLE api_token (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
    -- the first characters of the token, shown in lists so a user can tell tokens apart
    prefix       text        NOT NULL,
    -- SHA-256 of the whole token (hex); the token itself is shown once and never stored
    token_hash   text        NOT NULL UNIQUE,
    scope        text        NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_token_account ON api_token (account_id);

-- A provider integration: a billing source of an MSP (its consolidated payer, workflow 2 of the seed) or of a
-- customer account (its own payer, workflow 1). source_name is the ingestion source holding its line items.
CREATE TABLE integration (
    id             uuid        PRIMARY KEY,
    account_id     uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    provider       text        NOT NULL CHECK (provider IN ('aws', 'azure', 'gcp', 'oci', 'focus')),
    name           text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    source_name    text        NOT NULL UNIQUE,
    folder         text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text        NOT NULL
);

CREATE INDEX integration_account ON integration (account_id);

-- Linked (sub) accounts of an MSP integration billed to a customer account from a period on; a later row for the
-- same linked account moves it. One customer per linked account per period.
CREATE TABLE linked_account_assignment (
    msp_id              uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    integration_id      uuid        NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    sub_account_id      text        NOT NULL CHECK (sub_account_id ~ '^[A-Za-z0-9._:/-]{1,128}$'),
    from_period         text        NOT NULL CHECK (from_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    -- null: the linked account is not billed to anyone from this period on
    customer_account_id uuid        REFERENCES account (id) ON DELETE CASCADE,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text        NOT NULL,
    PRIMARY KEY (integration_id, sub_account_id, from_period)
);

CREATE INDEX linked_account_assignment_customer ON linked_account_assignment (customer_account_id);

-- Billing rules, workflows and assignments: the model of msp.yaml (docs/msp-config.md). A rule's definition is
-- the rule's mapping in msp.yaml as JSON, so the portal and the file read through the same parser.
CREATE TABLE billing_rule (
    id          uuid        PRIMARY KEY,
    msp_id      uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    key         text        NOT NULL,
    kind        text        NOT NULL,
    title       text        NOT NULL,
    definition  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (msp_id, key)
);

CREATE TABLE workflow (
    id         uuid        PRIMARY KEY,
    msp_id     uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    key        text        NOT NULL,
    title      text        NOT NULL,
    basis      text        NOT NULL CHECK (basis IN ('effective', 'billed', 'list')),
    -- rule keys in the order they apply
    rule_keys  jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL,
    UNIQUE (msp_id, key)
);

CREATE TABLE billing_assignment (
    msp_id              uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    customer_account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    from_period         text NOT NULL CHECK (from_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    workflow_key        text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text        NOT NULL,
    PRIMARY KEY (customer_account_id, from_period)
);

-- SSO (OpenID Connect) of one customer account, routed by the users' email domain.
CREATE TABLE sso_connection (
    account_id    uuid        PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    email_domain  text        NOT NULL CHECK (email_domain ~ '^[a-z0-9.-]+$'),
    issuer        text        NOT NULL,
    client_id     text        NOT NULL,
    client_secret text        NOT NULL,
    -- the role given to a user created at first sign-in
    default_role  text        NOT NULL DEFAULT 'viewer' CHECK (default_role IN ('owner', 'editor', 'viewer')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text        NOT NULL
);

CREATE UNIQUE INDEX sso_connection_domain ON sso_connection (lower(email_domain));

-- Append-only record of who did what. actor_* is always the real person, also when they act as Manager User
-- inside a customer account (acting_as then says so). Rows of a deleted customer account stay with its MSP.
CREATE TABLE audit_log (
    id            bigserial   PRIMARY KEY,
    msp_id        uuid,
    account_id    uuid,
    actor_user_id uuid,
    actor_email   text        NOT NULL,
    acting_as     text,
    action        text        NOT NULL,
    target        text,
    detail        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    at            timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_msp_at ON audit_log (msp_id, at);
CREATE INDEX audit_log_account_at ON audit_log (account_id, at);
