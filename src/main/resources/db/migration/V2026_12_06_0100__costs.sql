-- What each customer account sees of its re-billed costs (issue 12): the daily aggregate every successful bill run
-- writes, in the transaction of its drafts, replacing that MSP's rows of the period. Reports read these rows, never
-- the line items. Every row carries the MSP (msp_id) and every statement of io/rebill/costs/costs.sql is scoped by
-- it; a customer's reads also by its account and by kind (only usage, charge and credit rows are ever shown to it).
CREATE TABLE cost_daily (
    msp_id              uuid    NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period              text    NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    -- the run that wrote the row (the latest successful run of the period)
    run_id              uuid    NOT NULL REFERENCES bill_run (id) ON DELETE CASCADE,
    -- the customer's id in the configuration; null for lines no customer claims
    customer_key        text,
    customer_account_id uuid    REFERENCES account (id) ON DELETE CASCADE,
    day                 date    NOT NULL,
    -- usage: billed lines after rules; excluded: lines an exclusion removed (MSP only); charge / credit: a rule's
    -- added line on the period's first day; unassigned: lines nobody claims (MSP only)
    kind                text    NOT NULL CHECK (kind IN ('usage', 'excluded', 'charge', 'credit', 'unassigned')),
    service             text    NOT NULL,
    service_category    text,
    charge_type         text,
    region              text,
    sub_account_id      text,
    currency            text    NOT NULL,
    -- the MSP's cost before rules on the workflow's basis (never shown to a customer)
    cost                numeric NOT NULL,
    -- the customer's charge after rules (0 for excluded and unassigned rows)
    charge              numeric NOT NULL,
    CHECK ((customer_key IS NULL) = (kind = 'unassigned')),
    CHECK (kind IN ('usage', 'charge', 'credit') OR charge = 0)
);

CREATE INDEX cost_daily_msp_period ON cost_daily (msp_id, period);
CREATE INDEX cost_daily_customer ON cost_daily (msp_id, customer_account_id, period);
