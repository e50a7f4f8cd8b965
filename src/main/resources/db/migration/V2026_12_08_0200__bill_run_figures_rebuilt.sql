-- Issue 12, closed periods after an upgrade: a run billed by an earlier version kept no fine aggregate files, and a
-- closed period is never billed again. At start the server rebuilds those files from the run's pinned inputs (its
-- msp.yaml and the stored generations it read), figures only: invoices, drafts, numbers, the close and the rollups
-- stay as they are. figures_rebuilt_at records when a rebuild installed them; figures_error why one could not (a
-- pinned generation the store no longer holds, or rebuilt totals that differ from the run's), which the reports
-- that need the files answer (409 FIGURES_UNAVAILABLE) instead of asking to try again.
ALTER TABLE bill_run ADD COLUMN figures_rebuilt_at timestamptz;
ALTER TABLE bill_run ADD COLUMN figures_error text;
