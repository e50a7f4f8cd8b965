-- A closed period's fine figures rebuilt from its bill run's pinned inputs (io.rebill.invoicing.internal.FiguresRebuild):
-- recorded on the run. Every statement is scoped by the MSP (:msp).

-- name: figures-rebuilt
UPDATE bill_run SET figures_rebuilt_at = clock_timestamp(), figures_error = NULL WHERE msp_id = :msp AND id = :run

-- name: figures-unavailable
UPDATE bill_run SET figures_error = :error WHERE msp_id = :msp AND id = :run
