-- Billing in the product (issue 11): bill runs, invoices and their numbers, period close. Every row carries the
-- MSP (msp_id) and every statement of io/rebill/invoicing/invoicing.sql is scoped by it.

-- What an invoice's header says about the seller (the MSP) and the buyer (a customer account). Snapshotted into
-- the invoice when it is issued, so a later edit never changes an issued invoice.
ALTER TABLE account
    ADD COLUMN legal_name         text CHECK (legal_name IS NULL OR length(legal_name) <= 200),
    ADD COLUMN billing_address    text CHECK (billing_address IS NULL OR length(billing_address) <= 1000),
    ADD COLUMN tax_id             text CHECK (tax_id IS NULL OR length(tax_id) <= 64),
    ADD COLUMN po_number          text CHECK (po_number IS NULL OR length(po_number) <= 64),
    ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
    -- customer accounts: VAT or sales tax the MSP charges, percent; null = none
    ADD COLUMN tax_rate           numeric(9, 4) CHECK (tax_rate IS NULL OR (tax_rate >= 0 AND tax_rate <= 100)),
    -- MSP accounts: the prefix of its invoice numbers (INV gives INV-2026-000123)
    ADD COLUMN invoice_prefix     text NOT NULL DEFAULT 'INV' CHECK (invoice_prefix ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$');

-- One bill of one MSP's period. It pins its inputs (the configuration as msp.yaml text with its hash, the stored
-- generation of every source it read) and records who started it, when, how long it took and whether
-- reconciliation held. At most one run per MSP and period waits in the queue: later requests join it.
CREATE TABLE bill_run (
    id            uuid        PRIMARY KEY,
    msp_id        uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period        text        NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status        text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    trigger       text        NOT NULL CHECK (trigger IN ('manual', 'ingest', 'configuration', 'setup')),
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    config_yaml   text,
    config_hash   text,
    -- [{"source": ..., "integration": ..., "generation": ...}]
    sources       jsonb       NOT NULL DEFAULT '[]'::jsonb,
    line_count    bigint,
    reconciles    boolean,
    progress      text,
    error         text,
    -- unassigned accounts, reconciliation per billing account and basis, lines claimed twice, warnings
    outcome       jsonb
);

CREATE INDEX bill_run_msp_period ON bill_run (msp_id, period, requested_at DESC);
CREATE UNIQUE INDEX bill_run_one_queued ON bill_run (msp_id, period) WHERE status = 'queued';

-- The MSP's side of a run, per customer: cost before rules, charge after them (margin = charge - cost). Never
-- shown to a customer.
CREATE TABLE bill_run_customer (
    run_id              uuid    NOT NULL REFERENCES bill_run (id) ON DELETE CASCADE,
    msp_id              uuid    NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    customer_key        text    NOT NULL,
    customer_account_id uuid    REFERENCES account (id) ON DELETE SET NULL,
    name                text    NOT NULL,
    workflow            text,
    currency            text    NOT NULL,
    cost                numeric NOT NULL,
    charge              numeric NOT NULL,
    line_count          bigint  NOT NULL,
    -- the run's invoice lines before tax: [{"kind", "service", "category", "sub_category", "exact", "amount"}]
    lines               jsonb   NOT NULL,
    PRIMARY KEY (run_id, customer_key)
);

-- A customer's invoice for a period: draft (refreshed by every run), issued (never changes again) or void (kept
-- with its number). At most one draft and one issued invoice per customer and period.
CREATE TABLE invoice (
    id                  uuid          PRIMARY KEY,
    msp_id              uuid          NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    customer_account_id uuid          NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period              text          NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status              text          NOT NULL CHECK (status IN ('draft', 'issued', 'void')),
    -- the run whose lines the invoice carries (kept while the run is)
    run_id              uuid          REFERENCES bill_run (id) ON DELETE SET NULL,
    currency            text          NOT NULL,
    tax_rate            numeric(9, 4),
    number              text,
    issue_date          date,
    due_date            date,
    issued_at           timestamptz,
    issued_by           text,
    seller              jsonb,
    buyer               jsonb,
    voided_at           timestamptz,
    voided_by           text,
    void_reason         text,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT invoice_number_iff_issued CHECK ((status = 'draft') = (number IS NULL)),
    CONSTRAINT invoice_dates_iff_issued CHECK ((status = 'draft') = (issue_date IS NULL AND due_date IS NULL))
);

CREATE UNIQUE INDEX invoice_number ON invoice (msp_id, number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX invoice_one_draft ON invoice (customer_account_id, period) WHERE status = 'draft';
CREATE UNIQUE INDEX invoice_one_issued ON invoice (customer_account_id, period) WHERE status = 'issued';
CREATE INDEX invoice_msp_period ON invoice (msp_id, period);

-- Lines as the customer sees them (spec §4): each rounded once, half-up; the total is their sum and is never
-- stored beside them. When the provider restates a closed period, the difference per line is billed in the next
-- open period as correction lines naming the original invoice (FOCUS ChargeClass = Correction).
CREATE TABLE invoice_line (
    invoice_id   uuid    NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    kind         text    NOT NULL CHECK (kind IN ('service', 'charge', 'credit', 'tax', 'correction')),
    description  text    NOT NULL,
    category     text,
    -- a correction (spec §4): the issued invoice of a closed period it corrects, and that invoice's line
    corrects_invoice_id uuid REFERENCES invoice (id),
    corrects_line       text,
    CONSTRAINT correction_names_its_invoice CHECK ((kind = 'correction') = (corrects_invoice_id IS NOT NULL)),
    exact        numeric NOT NULL,
    amount       numeric NOT NULL,
    PRIMARY KEY (invoice_id, position)
);

-- Gapless numbers per MSP: the issuing transaction takes the row lock, so two issues never share a number and a
-- rolled-back issue gives its number back.
CREATE TABLE invoice_number_counter (
    msp_id      uuid   PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    last_number bigint NOT NULL CHECK (last_number >= 0)
);

-- Sending an invoice by email: one row per attempt.
CREATE TABLE invoice_delivery (
    id          bigserial   PRIMARY KEY,
    invoice_id  uuid        NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
    recipient   text        NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    sent_by     text        NOT NULL,
    error       text
);

-- A closed period never changes: no run bills it again and no invoice of it is issued or voided.
CREATE TABLE billing_period_close (
    msp_id    uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period    text        NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    closed_at timestamptz NOT NULL DEFAULT now(),
    closed_by text        NOT NULL,
    PRIMARY KEY (msp_id, period)
);

-- The database itself refuses to change an issued or void invoice, whatever code asks: lines of a non-draft
-- invoice are frozen, and an issued invoice may only become void. Only deleting the customer account removes them.
CREATE FUNCTION invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'invoice_line' THEN
        IF EXISTS (SELECT 1 FROM invoice i WHERE i.id = COALESCE(NEW.invoice_id, OLD.invoice_id)
                   AND i.status <> 'draft') THEN
            RAISE EXCEPTION 'invoice % is not a draft; its lines never change', COALESCE(NEW.invoice_id, OLD.invoice_id)
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        -- a deleted customer account takes its invoices with it (the seed: deleting an account is permanent)
        IF OLD.status <> 'draft' AND EXISTS (SELECT 1 FROM account a WHERE a.id = OLD.customer_account_id) THEN
            RAISE EXCEPTION 'invoice % is %; it is never deleted', OLD.number, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'void' OR (OLD.status = 'issued' AND (NEW.status <> 'void' OR NEW.number IS DISTINCT FROM OLD.number
        OR NEW.issue_date IS DISTINCT FROM OLD.issue_date OR NEW.due_date IS DISTINCT FROM OLD.due_date
        OR NEW.seller IS DISTINCT FROM OLD.seller OR NEW.buyer IS DISTINCT FROM OLD.buyer
        OR NEW.tax_rate IS DISTINCT FROM OLD.tax_rate)) THEN
        RAISE EXCEPTION 'invoice % is %; it never changes', OLD.number, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER invoice_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_line
    FOR EACH ROW EXECUTE FUNCTION invoice_frozen();
CREATE TRIGGER invoice_frozen BEFORE UPDATE OR DELETE ON invoice
    FOR EACH ROW EXECUTE FUNCTION invoice_frozen();
