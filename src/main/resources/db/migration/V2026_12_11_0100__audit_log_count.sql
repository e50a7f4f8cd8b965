-- How many entries each MSP's audit log holds, kept by a trigger, so the unfiltered log's page (the list every Owner
-- opens) reads its total from a few rows instead of counting every entry of the MSP on each request (issue 14
-- item 11; docs/benchmarks.md, "The portal under load": the count was 0.75 ms of the request's 2.7 ms of CPU and kept
-- the audit log over 100 ms at p99 with 20 clients). A filtered page still counts what passes its filter.
--
-- Why a deferred constraint trigger and slots: a counter row is locked by the transaction that raises it until that
-- transaction ends. Raised in the statement that inserts the entry, the row would stay locked through the rest of the
-- writing transaction (a bill run's writes, an integration's), so every other writer of the MSP would queue behind it,
-- and a transaction that took the counter before the billing lock order's rows (the MSP's '*' row first) could
-- deadlock with one that took them the other way. Deferred to the commit, the counter is the last row a transaction
-- locks, after every lock of its work, and it is held for the commit alone. Each server connection raises its own
-- slot (its backend's process id modulo 16), so two transactions of the same MSP on different connections do not
-- even wait for each other's commit; the total is the sum of an MSP's slots (at most 16 rows). A rolled-back
-- transaction raises nothing: its deferred triggers never fire.
--
-- The audit log is append-only (no code path updates or deletes an entry); a delete or a change of msp_id is still
-- counted, and TRUNCATE empties the counts, so the total cannot drift from the entries whatever writes them.
CREATE TABLE audit_log_count (
    msp_id  uuid     NOT NULL,
    slot    smallint NOT NULL,
    entries bigint   NOT NULL,
    PRIMARY KEY (msp_id, slot)
);

CREATE FUNCTION audit_log_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.msp_id IS NOT NULL THEN
        INSERT INTO audit_log_count AS c (msp_id, slot, entries) VALUES (OLD.msp_id, pg_backend_pid() % 16, -1)
        ON CONFLICT (msp_id, slot) DO UPDATE SET entries = c.entries - 1;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.msp_id IS NOT NULL THEN
        INSERT INTO audit_log_count AS c (msp_id, slot, entries) VALUES (NEW.msp_id, pg_backend_pid() % 16, 1)
        ON CONFLICT (msp_id, slot) DO UPDATE SET entries = c.entries + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER audit_log_counted AFTER INSERT OR DELETE OR UPDATE OF msp_id ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_log_counted();

CREATE FUNCTION audit_log_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM audit_log_count;
    RETURN NULL;
END $$;

CREATE TRIGGER audit_log_emptied AFTER TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_emptied();

-- The entries already there, counted with writers kept out (SHARE mode lets readers on, blocks inserts until the
-- migration commits), in slot 0.
LOCK TABLE audit_log IN SHARE MODE;
INSERT INTO audit_log_count (msp_id, slot, entries)
SELECT msp_id, 0, count(*) FROM audit_log WHERE msp_id IS NOT NULL GROUP BY msp_id;
