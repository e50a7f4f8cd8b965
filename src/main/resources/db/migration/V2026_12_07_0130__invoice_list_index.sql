-- The invoice list's count (invoicing.sql, count-invoices) reads only these columns: with them in one index it is an
-- index-only scan instead of a heap read per invoice of the MSP (4,800 at the pages benchmark, on every view of the
-- invoice list; docs/benchmarks.md, issue 11 item 8).
CREATE INDEX invoice_msp_period_status ON invoice (msp_id, period, status, customer_account_id);
