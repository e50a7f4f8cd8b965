-- The MSP portal's first tables. Every tenant-owned table carries tenant_id; the portal issue grows these.

CREATE TABLE tenant (
    id           uuid        PRIMARY KEY,
    name         text        NOT NULL,
    email_domain text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenant_name_not_blank CHECK (btrim(name) <> '')
);

-- Append-only record of who did what; tenant_id is null for actions of the MSP itself (e.g. the bootstrap admin).
CREATE TABLE audit_log (
    id        bigserial   PRIMARY KEY,
    tenant_id uuid        REFERENCES tenant (id),
    actor     text        NOT NULL,
    action    text        NOT NULL,
    detail    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at);
