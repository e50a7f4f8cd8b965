-- Issue 13 item 6: the exchange rates an MSP keeps to bill lines in other currencies in its own (account.currency).
-- One rate per source currency and billing period: 1 from_currency = rate units of the MSP's currency. Scoped by
-- msp_id like every MSP-owned row (rates/rates.sql).
CREATE TABLE exchange_rate (
    msp_id        uuid          NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    from_currency text          NOT NULL CHECK (from_currency ~ '^[A-Z]{3}$'),
    period        text          NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    -- at most 10 decimal places (ExchangeRates.MAX_RATE_SCALE), so a converted cost stays exact
    rate          numeric(22,10) NOT NULL CHECK (rate > 0),
    created_at    timestamptz   NOT NULL DEFAULT now(),
    created_by    text          NOT NULL,
    PRIMARY KEY (msp_id, from_currency, period)
);

-- Issue 13 item 7: the picker lists and searches an MSP's assignments by integration at 1,000 provider accounts.
CREATE INDEX IF NOT EXISTS linked_account_assignment_msp_integration
    ON linked_account_assignment (msp_id, integration_id, sub_account_id);
