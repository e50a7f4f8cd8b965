-- Counters that every committed change of an MSP's billing data raises (issue 11 item 8), as
-- V2026_12_08_0100 did for the linked-account assignments: the Billing page and the billing API keep their view of
-- a period under its counter, and the invoice lists their pages under the MSP's, instead of hashing the row version
-- of each of the period's 200 invoices (the Billing page) or reading 100 headers and counting 4,800 invoices (the
-- invoice list) on every request.
--
-- One row per MSP and period (a 'YYYY-MM'): raised by any insert, update or delete of the period's bill runs, their
-- customer rows, its invoices, their lines and its close. One row per MSP with period '*': raised by any change of
-- any of its invoices or their lines, and by a rename of an account that one of its invoices names (the lists show
-- the customer's current name).
--
-- Raised by triggers, not by the application's write paths, so that no writer can miss them: the invoicing feature's
-- statements, the ON DELETE CASCADE of a customer account or a run, an operator's SQL, a second server on the same
-- database. The rows are updated in the writing transaction, so each committed change gives a value never seen
-- before and a rolled-back one takes its increment with it. The triggers fire once per statement (a run's drafts
-- write 200 invoices and about 4,000 lines in four statements: four updates of the period's row, not 4,200), and
-- raise their keys in key order after the MSP's '*' row (below), so two writers of the same MSP lock the rows they
-- share in the same order. Writers of one MSP's billing data queue on its '*' row until they commit.
-- No foreign key: a deleted MSP's cascades must still be able to write here (its rows then stay, unused; ids are
-- never reused). A key without a row reads as version 0: nothing of it changed since this migration. TRUNCATE
-- (which no code path runs) would not raise them.
CREATE TABLE billing_version (
    msp_id  uuid   NOT NULL,
    period  text   NOT NULL CHECK (period = '*' OR period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    version bigint NOT NULL,
    PRIMARY KEY (msp_id, period)
);

-- Raises (msp, period) and, with every_period, (msp, '*') for each key of the statement's rows. Every call takes the
-- MSP's '*' row first (raised or not), and so does the invoice store's lock before an issue or a void: a transaction
-- that writes an MSP's billing data holds that row from its first such write on, so two such transactions never
-- wait for each other's period rows in opposite orders (a run writing a period's drafts and an issue of one of them
-- would otherwise deadlock). The MSP's billing writes queue on it until each commits.
CREATE FUNCTION billing_version_raise(msps uuid[], periods text[], every_period boolean) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO billing_version AS v (msp_id, period, version)
    SELECT DISTINCT m.msp_id, '*', CASE WHEN every_period THEN 1 ELSE 0 END
    FROM unnest(msps) AS m (msp_id) WHERE m.msp_id IS NOT NULL
    ORDER BY m.msp_id
    ON CONFLICT (msp_id, period) DO UPDATE SET version = v.version + CASE WHEN every_period THEN 1 ELSE 0 END;
    INSERT INTO billing_version AS v (msp_id, period, version)
    SELECT DISTINCT u.msp_id, u.period, 1::bigint
    FROM unnest(msps, periods) AS u (msp_id, period)
    WHERE u.msp_id IS NOT NULL AND u.period IS NOT NULL
    ORDER BY u.msp_id, u.period
    ON CONFLICT (msp_id, period) DO UPDATE SET version = v.version + 1;
$$;

-- bill_run, billing_period_close and invoice carry the MSP and the period themselves.
CREATE FUNCTION billing_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    msps    uuid[];
    periods text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.msp_id), array_agg(n.period) INTO msps, periods FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.msp_id), array_agg(o.period) INTO msps, periods FROM old_rows o;
    ELSE
        SELECT array_agg(k.msp_id), array_agg(k.period) INTO msps, periods
        FROM (SELECT n.msp_id, n.period FROM new_rows n UNION SELECT o.msp_id, o.period FROM old_rows o) k;
    END IF;
    IF msps IS NOT NULL THEN
        PERFORM billing_version_raise(msps, periods, TG_TABLE_NAME = 'invoice');
    END IF;
    RETURN NULL;
END $$;

-- invoice_line and bill_run_customer name their invoice or run; a line or customer row deleted with its invoice or
-- run (a cascade) finds it gone, and the invoice's or run's own trigger has raised the key.
CREATE FUNCTION invoice_lines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids     uuid[];
    msps    uuid[];
    periods text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT n.invoice_id FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT o.invoice_id FROM old_rows o);
    ELSE
        ids := ARRAY(SELECT n.invoice_id FROM new_rows n UNION SELECT o.invoice_id FROM old_rows o);
    END IF;
    SELECT array_agg(i.msp_id), array_agg(i.period) INTO msps, periods FROM invoice i WHERE i.id = ANY (ids);
    IF msps IS NOT NULL THEN
        PERFORM billing_version_raise(msps, periods, true);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION bill_run_customers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids     uuid[];
    msps    uuid[];
    periods text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY(SELECT DISTINCT n.run_id FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT DISTINCT o.run_id FROM old_rows o);
    ELSE
        ids := ARRAY(SELECT n.run_id FROM new_rows n UNION SELECT o.run_id FROM old_rows o);
    END IF;
    SELECT array_agg(r.msp_id), array_agg(r.period) INTO msps, periods FROM bill_run r WHERE r.id = ANY (ids);
    IF msps IS NOT NULL THEN
        PERFORM billing_version_raise(msps, periods, false);
    END IF;
    RETURN NULL;
END $$;

-- The lists show each invoice's customer by the account's current name: a rename raises the '*' row of every MSP
-- with an invoice of that account (found by the index below; a deleted account's invoices go by cascade).
CREATE FUNCTION invoice_customer_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- no period of the MSP is named (unnest pads the shorter array with nulls): only its '*' row
    PERFORM billing_version_raise(ARRAY(SELECT DISTINCT i.msp_id FROM invoice i WHERE i.customer_account_id = NEW.id),
                                  ARRAY[]::text[], true);
    RETURN NULL;
END $$;

CREATE INDEX invoice_customer ON invoice (customer_account_id);

CREATE TRIGGER bill_run_inserted AFTER INSERT ON bill_run REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER bill_run_updated AFTER UPDATE ON bill_run REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER bill_run_deleted AFTER DELETE ON bill_run REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER billing_period_close_inserted AFTER INSERT ON billing_period_close REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER billing_period_close_updated AFTER UPDATE ON billing_period_close REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER billing_period_close_deleted AFTER DELETE ON billing_period_close REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER invoice_inserted AFTER INSERT ON invoice REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER invoice_updated AFTER UPDATE ON invoice REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER invoice_deleted AFTER DELETE ON invoice REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_rows_changed();
CREATE TRIGGER bill_run_customer_inserted AFTER INSERT ON bill_run_customer REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bill_run_customers_changed();
CREATE TRIGGER bill_run_customer_updated AFTER UPDATE ON bill_run_customer REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bill_run_customers_changed();
CREATE TRIGGER bill_run_customer_deleted AFTER DELETE ON bill_run_customer REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bill_run_customers_changed();
CREATE TRIGGER invoice_line_inserted AFTER INSERT ON invoice_line REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_changed();
CREATE TRIGGER invoice_line_updated AFTER UPDATE ON invoice_line REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_changed();
CREATE TRIGGER invoice_line_deleted AFTER DELETE ON invoice_line REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_changed();
CREATE TRIGGER invoice_customer_renamed AFTER UPDATE OF name ON account
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION invoice_customer_renamed();
