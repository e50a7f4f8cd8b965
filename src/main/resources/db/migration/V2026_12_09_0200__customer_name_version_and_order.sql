-- Two things for the portal's lists at 1,000 managed accounts (issue 14 item 11, docs/benchmarks.md).
--
-- 1. A counter per MSP that every committed change of its customer accounts' names raises: a customer account
-- created, renamed, deleted, unlinked from the MSP or moved to it. With the assignments' counter
-- (linked_account_assignment_version, V2026_12_08_0100) it versions every customer name an MSP's lists show beside
-- its linked accounts, so an integration's linked-accounts answer (1,000 assignments and 1,000 provider accounts
-- with their customers' names) is kept per version and read by two keys instead of rebuilt on every request.
--
-- Raised by a trigger for the same reason as the assignments' counter: no writer can miss it (the tenancy feature,
-- a cascade from a deleted MSP, a command, a second server). Only customer accounts count; an update that changes
-- neither the name nor the MSP (a contact email, a match predicate) leaves it alone. No foreign key to account: a
-- deleted MSP's customers cascade away while its row is gone. An MSP without a row reads as version 0.
CREATE TABLE customer_name_version (
    msp_id  uuid   PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION customer_name_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean := TG_OP <> 'UPDATE';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        changed := OLD.name IS DISTINCT FROM NEW.name OR OLD.msp_id IS DISTINCT FROM NEW.msp_id;
    END IF;
    IF NOT changed THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.kind = 'customer' AND OLD.msp_id IS NOT NULL THEN
        INSERT INTO customer_name_version AS v (msp_id, version) VALUES (OLD.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'customer' AND NEW.msp_id IS NOT NULL THEN
        INSERT INTO customer_name_version AS v (msp_id, version) VALUES (NEW.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER customer_name_changed AFTER INSERT OR UPDATE OR DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION customer_name_changed();

-- 2. The Managed Accounts list's order (tenancy.sql, list-managed: ORDER BY lower(name), id within one MSP): read
-- from this index, a page is the index's next entries instead of every customer account of the MSP sorted on each
-- request.
CREATE INDEX account_customer_name_order ON account (msp_id, lower(name), id) WHERE kind = 'customer';
