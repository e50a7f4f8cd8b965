-- A counter per MSP that every committed change of its linked-account assignments raises (issue 14 item 11): the
-- tracked spend of the Managed Accounts list keeps its sums per customer under this version and reads it on every
-- request by its key, instead of hashing every assignment row's xmin (1,000 rows a request at 1,000 accounts).
--
-- Raised by a trigger, not by the application's write paths, so that no writer can miss it: the tenancy and linking
-- features' statements, the ON DELETE CASCADE of an integration or a customer account, a command or a second
-- server on the same database. The row is updated in the writing transaction, so concurrent writers of one MSP's
-- assignments queue on it and each committed change gives a value never seen before; a rolled-back change takes
-- its increment with it, as it takes the assignments. No foreign key to account: deleting an MSP cascades to its
-- assignments, whose trigger must still be able to write here while the account row is gone (the MSP's row then
-- stays, unused; ids are never reused). An MSP without a row reads as version 0: its assignments have not changed
-- since this migration, and the first change makes it 1. TRUNCATE (which no code path runs) would not raise it.
CREATE TABLE linked_account_assignment_version (
    msp_id  uuid   PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION linked_account_assignment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO linked_account_assignment_version AS v (msp_id, version) VALUES (OLD.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.msp_id IS DISTINCT FROM OLD.msp_id) THEN
        INSERT INTO linked_account_assignment_version AS v (msp_id, version) VALUES (NEW.msp_id, 1)
        ON CONFLICT (msp_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER linked_account_assignment_changed AFTER INSERT OR UPDATE OR DELETE ON linked_account_assignment
    FOR EACH ROW EXECUTE FUNCTION linked_account_assignment_changed();

