-- Saved cost reports, virtual tags and the tag aggregate of the bill run (issue 12 items 2 and 4). Every table
-- carries its account (reports, virtual tags) or its MSP (the aggregate) and every statement of
-- io/rebill/costs/reports.sql is scoped by it.

-- A saved cost report of one account (the MSP's or a customer's). definition: the report's range, granularity,
-- grouping, filters, measure and chart as JSON, checked by io.rebill.costs.ReportDefinition before it is stored.
CREATE TABLE cost_report (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    title         text        NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
    definition    jsonb       NOT NULL,
    is_default    boolean     NOT NULL DEFAULT false,
    -- Created By as the account's users see it: the person's name, or "Manager User" for the MSP's staff inside a
    -- customer account; the real person stays in created_by_user (the MSP's audit)
    created_by    text        NOT NULL,
    created_by_user uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cost_report_account ON cost_report (account_id, created_at);
CREATE UNIQUE INDEX cost_report_one_default ON cost_report (account_id) WHERE is_default;

-- A virtual tag of one account: a key and an ordered list of (CEL condition, value); a line takes the value of the
-- first condition it meets. rules: [{"condition": "...", "value": "..."}], each condition compiled when saved.
CREATE TABLE virtual_tag (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    key           text        NOT NULL CHECK (btrim(key) <> '' AND length(key) <= 64),
    rules         jsonb       NOT NULL,
    created_by    text        NOT NULL,
    created_by_user uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, key)
);

-- The bill run's daily aggregate per tag key and value (provider tags of the keys the run chose, and every virtual
-- tag), written in the transaction of cost_daily and replacing the MSP's rows of the period. For each key the rows
-- of a customer and day add up to its cost_daily rows: lines without the key (and the period's charges and
-- credits) are a row with a null value. tag_source: 'tag' (tag_key is the provider's key) or 'virtual' (tag_key is
-- the virtual tag's id; a customer account's virtual tag covers that customer's lines only).
CREATE TABLE cost_daily_tag (
    msp_id              uuid    NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period              text    NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    run_id              uuid    NOT NULL REFERENCES bill_run (id) ON DELETE CASCADE,
    customer_key        text,
    customer_account_id uuid    REFERENCES account (id) ON DELETE CASCADE,
    day                 date    NOT NULL,
    kind                text    NOT NULL CHECK (kind IN ('usage', 'excluded', 'charge', 'credit', 'unassigned')),
    service             text    NOT NULL,
    tag_source          text    NOT NULL CHECK (tag_source IN ('tag', 'virtual')),
    tag_key             text    NOT NULL,
    tag_value           text,
    currency            text    NOT NULL,
    cost                numeric NOT NULL,
    charge              numeric NOT NULL
);
CREATE INDEX cost_daily_tag_msp_period ON cost_daily_tag (msp_id, period, tag_source, tag_key);

-- Every account gets a default report: the existing ones now, every new one as it is created (in its transaction)
CREATE FUNCTION cost_report_default(account uuid, msp boolean) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cost_report (id, account_id, title, definition, is_default, created_by)
    VALUES (gen_random_uuid(), account, CASE WHEN msp THEN 'Costs by customer' ELSE 'Costs by service' END,
            jsonb_build_object('range', 'last_3_months', 'granularity', 'month',
                               'group_by', jsonb_build_array(CASE WHEN msp THEN 'customer' ELSE 'service' END),
                               'filters', jsonb_build_array(), 'measure', 'charge', 'chart', 'bar'),
            true, 'Rebill')
    ON CONFLICT DO NOTHING
$$;

SELECT cost_report_default(id, kind = 'msp') FROM account;

CREATE FUNCTION cost_report_default_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cost_report_default(NEW.id, NEW.kind = 'msp');
    RETURN NEW;
END
$$;

CREATE TRIGGER account_default_report AFTER INSERT ON account
    FOR EACH ROW EXECUTE FUNCTION cost_report_default_on_insert();
