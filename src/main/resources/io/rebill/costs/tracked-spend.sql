-- The Managed Accounts list's tracked spend (io.rebill.costs.TrackedSpend). Every statement is scoped by the MSP (:msp).

-- name: spend-inputs
-- What the tracked spend is made of that PostgreSQL holds, read on every request in one statement: the version of
-- the MSP's linked-account assignments and the sources of its integrations (each source's stored generations are in
-- its state.json). The version is a counter that a trigger on linked_account_assignment raises in the transaction of
-- every insert, update or delete (a move, an unassignment, a deleted integration or customer, whichever server or
-- command wrote it; migration V2026_12_08_0100), read by its key; 0 until the first change.
SELECT COALESCE((SELECT v.version FROM linked_account_assignment_version v WHERE v.msp_id = :msp), 0)::text
           AS assignments,
       ARRAY(SELECT DISTINCT i.source_name FROM integration i WHERE i.account_id = :msp ORDER BY i.source_name)
           AS sources
