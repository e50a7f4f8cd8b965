-- Issue 11 item 8: a bill run commits its drafts first (the invoices an MSP issues, with the run's per-customer
-- figures and outcome), then its cost figures for the reports. drafts_ready_at is when the first commit happened;
-- the Billing page and the drafts read the latest run that has it, the reports the latest succeeded one.
ALTER TABLE bill_run ADD COLUMN drafts_ready_at timestamptz;
UPDATE bill_run SET drafts_ready_at = finished_at WHERE status = 'succeeded';
CREATE INDEX bill_run_drafts_ready ON bill_run (msp_id, period, drafts_ready_at DESC) WHERE drafts_ready_at IS NOT NULL;
