-- The Managed Accounts list's tracked spend (io.rebill.costs.TrackedSpend). Every statement is scoped by the MSP (:msp).

-- name: spend-inputs
-- What the tracked spend is made of that PostgreSQL holds, read on every request in one statement: the version of
-- the MSP's linked-account assignments and the sources of its integrations (each source's stored generations are in
-- its state.json). The version is every assignment row by its key and row version: PostgreSQL stamps each row
-- version with the id of the transaction that wrote it (xmin), so any committed insert, update or delete of an
-- assignment (a move, an unassignment, a deleted integration or customer, whichever server or command wrote it)
-- changes the count or the sum. Both read through the indexes on msp_id / account_id.
SELECT (SELECT count(*) || ':' || COALESCE(sum(hashtextextended(
                l.integration_id::text || '/' || l.sub_account_id || '/' || l.from_period || '@' || l.xmin::text, 0)), 0)
        FROM linked_account_assignment l WHERE l.msp_id = :msp) AS assignments,
       ARRAY(SELECT DISTINCT i.source_name FROM integration i WHERE i.account_id = :msp ORDER BY i.source_name)
           AS sources
