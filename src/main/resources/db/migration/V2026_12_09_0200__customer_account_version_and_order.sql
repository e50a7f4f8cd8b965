-- Two things for the portal's lists at 1,000 managed accounts (issue 14 item 11, docs/benchmarks.md).
--
-- 1. A counter per MSP that every committed change of its customer accounts raises: a customer account created,
-- changed in any column (name, contact email, match predicate...), deleted, unlinked from the MSP or moved to it.
-- Two answers are kept per version with it (issue 14 item 11, docs/benchmarks.md): an integration's linked accounts
-- (with the assignments' counter, linked_account_assignment_version, V2026_12_08_0100: 1,000 assignments and 1,000
-- provider accounts with their customers' names) and a page of the Managed Accounts list (with the tracked spend's
-- version), each read by keys instead of rebuilt on every request.
--
-- Raised by a trigger for the same reason as the assignments' counter: no writer can miss it (the tenancy feature,
-- a cascade from a deleted MSP, a command, a second server). Only customer accounts count; an UPDATE that changes no
-- column leaves it alone. The row is updated in the writing transaction, so concurrent writers of one MSP's customer
-- accounts queue on it. No foreign key to account: a deleted MSP's customers cascade away while its row is gone. An
-- MSP without a row reads as version 0.
CREATE TABLE customer_account_version (
    msp_id  uuid   PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION customer_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.kind = 'customer' AND OLD.msp_id IS NOT NULL THEN
        INSERT INTO customer_account_version AS v (msp_id, version) VALUES (OLD.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'customer' AND NEW.msp_id IS NOT NULL
            AND (TG_OP = 'INSERT' OR OLD.msp_id IS DISTINCT FROM NEW.msp_id OR OLD.kind <> 'customer') THEN
        INSERT INTO customer_account_version AS v (msp_id, version) VALUES (NEW.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER customer_account_changed AFTER INSERT OR UPDATE OR DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION customer_account_changed();

-- 2. The Managed Accounts list's order (tenancy.sql, list-managed: ORDER BY lower(name), id within one MSP): read
-- from this index, a page is the index's next entries instead of every customer account of the MSP sorted on each
-- request.
CREATE INDEX account_customer_name_order ON account (msp_id, lower(name), id) WHERE kind = 'customer';
