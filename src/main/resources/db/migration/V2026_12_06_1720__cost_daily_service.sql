-- The daily costs rolled up by customer, day, kind and service (issue 12): what the homes and most reports read.
-- The fine table (cost_daily: also category, charge type, region, account) is read only when a report groups by
-- one of those; a month of a large MSP is hundreds of thousands of fine rows but a few thousand of these. Written
-- by the same transaction as cost_daily, from it.
CREATE TABLE cost_daily_service (
    msp_id              uuid    NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period              text    NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    run_id              uuid    NOT NULL REFERENCES bill_run (id) ON DELETE CASCADE,
    customer_account_id uuid    REFERENCES account (id) ON DELETE CASCADE,
    day                 date    NOT NULL,
    kind                text    NOT NULL CHECK (kind IN ('usage', 'excluded', 'charge', 'credit', 'unassigned')),
    service             text    NOT NULL,
    currency            text    NOT NULL,
    cost                numeric NOT NULL,
    charge              numeric NOT NULL
);

CREATE INDEX cost_daily_service_msp_period ON cost_daily_service (msp_id, period);
CREATE INDEX cost_daily_service_customer ON cost_daily_service (msp_id, customer_account_id, period);

-- periods billed before this table existed (closed ones are never billed again) get their rollup now
INSERT INTO cost_daily_service (msp_id, period, run_id, customer_account_id, day, kind, service, currency, cost, charge)
SELECT msp_id, period, run_id, customer_account_id, day, kind, service, currency, sum(cost), sum(charge)
FROM cost_daily
GROUP BY msp_id, period, run_id, customer_account_id, day, kind, service, currency;
