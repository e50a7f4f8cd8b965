-- Budgets, alerts, anomaly alerts and notifications (issue 12 item 5). Every table carries the account whose
-- resource the row is (account_id) and every statement of io/rebill/budgets/budgets.sql is scoped by it; figures are
-- read from the daily aggregates (cost_daily, cost_daily_service) of the MSP the account belongs to (msp_id).
CREATE TABLE budget (
    id          uuid        PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    -- the MSP whose bill runs write the figures: the account itself for an MSP, its MSP for a customer
    msp_id      uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    amount      numeric     NOT NULL CHECK (amount > 0),
    currency    text        NOT NULL,
    -- charge (after the MSP's rules; a customer's only choice) or cost (the MSP's cost before rules; MSP only)
    measure     text        NOT NULL CHECK (measure IN ('charge', 'cost')),
    -- {"service": [...], "service_category": [...], "charge_type": [...], "region": [...], "sub_account_id": [...],
    --  "customer": [account ids, MSP only]}: each present key keeps only rows with one of its values
    filters     jsonb       NOT NULL DEFAULT '{}',
    -- [{"basis": "actual" | "forecast", "percent": "80"}, ...]
    alerts      jsonb       NOT NULL DEFAULT '[]',
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

-- an alert fires once per budget, basis, threshold and month: a re-run inserts nothing new and so notifies nobody
CREATE TABLE budget_alert_fired (
    account_id  uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    budget_id   uuid        NOT NULL REFERENCES budget (id) ON DELETE CASCADE,
    period      text        NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    basis       text        NOT NULL CHECK (basis IN ('actual', 'forecast')),
    percent     numeric     NOT NULL,
    figure      numeric     NOT NULL,
    fired_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (budget_id, period, basis, percent)
);

-- a service's daily figure that left its trailing baseline (docs/budgets.md), once per account, service and day
CREATE TABLE cost_anomaly (
    account_id  uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    msp_id      uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    service     text        NOT NULL,
    day         date        NOT NULL,
    currency    text        NOT NULL,
    amount      numeric     NOT NULL,
    baseline    numeric     NOT NULL,
    deviation   numeric     NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, service, day)
);

CREATE TABLE notification_channel (
    id             uuid        PRIMARY KEY,
    account_id     uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind           text        NOT NULL CHECK (kind IN ('email', 'slack', 'teams')),
    -- an email address, or the incoming webhook's URL (a secret: never shown in full again)
    target         text        NOT NULL,
    budget_alerts  boolean     NOT NULL,
    anomaly_alerts boolean     NOT NULL,
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

CREATE TABLE notification_delivery (
    id              uuid        PRIMARY KEY,
    account_id      uuid        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    channel_id      uuid        NOT NULL REFERENCES notification_channel (id) ON DELETE CASCADE,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);

CREATE INDEX notification_delivery_due ON notification_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_delivery_account ON notification_delivery (account_id, created_at DESC);
