-- A counter per MSP that every committed change of one of its customer accounts raises, whatever column changed
-- (issue 14 item 11, docs/benchmarks.md): the Managed Accounts list keeps the MSP's customer accounts in name order
-- under this version (tenancy.Accounts) and reads it on every request in the statement that also reads the tracked
-- spend's inputs, instead of reading, sorting and counting the page's rows on each request.
--
-- customer_name_version (V2026_12_09_0200) is not enough: it ignores a new contact email or match predicate, which
-- the list shows. Raised by a trigger for the same reasons as that counter and the assignments' counter: no writer
-- can miss it (the tenancy and billing features, an invoice's billing details, a cascade from a deleted MSP, a
-- command, a second server), and it is raised in the writing transaction, so a reader that sees the change sees the
-- new version. A customer account moved from one MSP to another raises both. No foreign key to account: a deleted
-- MSP's customers cascade away while its row is gone. An MSP without a row reads as version 0. TRUNCATE (which no
-- code path runs) would not raise it.
CREATE TABLE customer_account_version (
    msp_id  uuid   PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION customer_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.kind = 'customer' AND OLD.msp_id IS NOT NULL THEN
        INSERT INTO customer_account_version AS v (msp_id, version) VALUES (OLD.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'customer' AND NEW.msp_id IS NOT NULL
            AND (TG_OP = 'INSERT' OR OLD.kind <> 'customer' OR OLD.msp_id IS DISTINCT FROM NEW.msp_id) THEN
        INSERT INTO customer_account_version AS v (msp_id, version) VALUES (NEW.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER customer_account_changed AFTER INSERT OR UPDATE OR DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION customer_account_changed();
