-- Bill runs, invoices, numbers and period close. Every statement is scoped by the MSP (:msp), and a customer's
-- own reads also by its account (:customer).

-- name: insert-run
INSERT INTO bill_run (id, msp_id, period, status, trigger, requested_by)
VALUES (:id, :msp, :period, 'queued', :trigger, :by)
ON CONFLICT (msp_id, period) WHERE status = 'queued' DO NOTHING
RETURNING *

-- A run's statements read the columns BillRun maps (RunStore.ROW), never config_yaml (the pinned msp.yaml: 59 KB
-- at 200 customers) or outcome: with SELECT * the bill runs list of 50 runs read and sent about 3 MB a request.

-- name: queued-run
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE msp_id = :msp AND period = :period AND status = 'queued'

-- name: run
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE msp_id = :msp AND id = :id

-- name: runs
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE msp_id = :msp AND (CAST(:period AS text) IS NULL OR period = :period)
ORDER BY requested_at DESC, id LIMIT :limit OFFSET :offset

-- name: count-runs
SELECT count(*) FROM bill_run WHERE msp_id = :msp AND (CAST(:period AS text) IS NULL OR period = :period)

-- name: latest-run
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE msp_id = :msp AND period = :period ORDER BY requested_at DESC, id LIMIT 1

-- name: latest-succeeded-run
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE msp_id = :msp AND period = :period AND status = 'succeeded'
ORDER BY finished_at DESC, id LIMIT 1

-- name: running-run
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE msp_id = :msp AND period = :period AND status = 'running' LIMIT 1

-- name: latest-billed-run
-- the run whose drafts stand: its per-customer figures and outcome are the Billing page's
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE msp_id = :msp AND period = :period AND drafts_ready_at IS NOT NULL
ORDER BY drafts_ready_at DESC, id LIMIT 1

-- name: start-run
UPDATE bill_run SET status = 'running', started_at = now(), progress = 'starting'
WHERE msp_id = :msp AND id = :id AND status = 'queued'

-- name: pin-run
UPDATE bill_run SET config_yaml = :yaml, config_hash = :hash, sources = CAST(:sources AS jsonb)
WHERE msp_id = :msp AND id = :id

-- name: progress
UPDATE bill_run SET progress = :progress WHERE msp_id = :msp AND id = :id AND status = 'running'

-- name: drafts-ready
-- clock_timestamp(): the end of the drafts' write, not the start of its transaction (now())
UPDATE bill_run SET drafts_ready_at = clock_timestamp(), progress = 'drafts ready; computing the cost figures for the reports',
       line_count = :lines, reconciles = :reconciles, outcome = CAST(:outcome AS jsonb)
WHERE msp_id = :msp AND id = :id AND status = 'running'

-- name: finish-run
UPDATE bill_run SET status = 'succeeded', finished_at = clock_timestamp(), progress = NULL, line_count = :lines,
       reconciles = :reconciles, outcome = CAST(:outcome AS jsonb)
WHERE msp_id = :msp AND id = :id

-- name: fail-run
UPDATE bill_run SET status = 'failed', finished_at = now(), progress = NULL, error = :error
WHERE msp_id = :msp AND id = :id

-- name: interrupted-runs
UPDATE bill_run SET status = 'failed', finished_at = now(), progress = NULL,
       error = CASE WHEN drafts_ready_at IS NULL
                    THEN 'interrupted: the server stopped while this run was billing; run it again'
                    ELSE 'interrupted after its drafts were ready: the server stopped while it computed the cost'
                         || ' figures; the period is billed again at start so that the reports match the drafts' END
WHERE status = 'running'
RETURNING *

-- name: queued-runs
SELECT id, msp_id, period, status, trigger, requested_by, requested_at, started_at, finished_at, config_hash, sources,
       line_count, reconciles, progress, error, drafts_ready_at, figures_rebuilt_at, figures_error
FROM bill_run WHERE status = 'queued' ORDER BY requested_at

-- name: insert-run-customers
-- every customer of a run in one statement (:rows a JSON array; amounts as exact decimal text)
INSERT INTO bill_run_customer (run_id, msp_id, customer_key, customer_account_id, name, workflow, currency, cost,
                               charge, line_count, lines)
SELECT :run, :msp, r.key, r.account, r.name, r.workflow, r.currency, r.cost, r.charge, r.line_count, r.lines
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(key text, account uuid, name text, workflow text, currency text,
                                                  cost numeric, charge numeric, line_count bigint, lines jsonb)

-- name: insert-drafts
INSERT INTO invoice (id, msp_id, customer_account_id, period, status, run_id, currency, tax_rate)
SELECT d.id, :msp, d.customer, :period, 'draft', :run, d.currency, d.tax_rate
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS d(id uuid, customer uuid, currency text, tax_rate numeric)

-- name: refresh-drafts
UPDATE invoice i SET run_id = :run, currency = d.currency, tax_rate = d.tax_rate, updated_at = now()
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS d(id uuid, currency text, tax_rate numeric)
WHERE i.msp_id = :msp AND i.id = d.id AND i.status = 'draft'

-- name: delete-drafts-lines
DELETE FROM invoice_line l USING invoice i
WHERE l.invoice_id = ANY(CAST(:invoices AS uuid[])) AND i.id = l.invoice_id AND i.msp_id = :msp AND i.status = 'draft'

-- name: insert-drafts-lines
-- the lines of many drafts of this MSP in one statement; a row for an invoice that is not a draft of the MSP
-- inserts nothing, and the caller compares the count
INSERT INTO invoice_line (invoice_id, position, kind, description, category, exact, amount, corrects_invoice_id,
                          corrects_line)
SELECT i.id, l.position, l.kind, l.description, l.category, l.exact, l.amount, l.corrects, l.corrects_line
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS l(invoice uuid, position integer, kind text, description text,
                                                  category text, exact numeric, amount numeric, corrects uuid,
                                                  corrects_line text)
JOIN invoice i ON i.id = l.invoice AND i.msp_id = :msp AND i.status = 'draft'

-- name: delete-drafts
DELETE FROM invoice WHERE msp_id = :msp AND id = ANY(CAST(:ids AS uuid[])) AND status = 'draft'

-- name: tax-rates
SELECT id, tax_rate FROM account WHERE msp_id = :msp AND tax_rate IS NOT NULL

-- name: run-customers
-- the figures only: the invoice lines of each row (jsonb) are for the drafts, not for the Billing page
SELECT customer_key, customer_account_id, name, cost, charge, line_count
FROM bill_run_customer WHERE msp_id = :msp AND run_id = :run ORDER BY name, customer_key

-- name: run-outcome
SELECT outcome FROM bill_run WHERE msp_id = :msp AND id = :id

-- name: drafts-of-period
SELECT id, customer_account_id FROM invoice WHERE msp_id = :msp AND period = :period AND status = 'draft'

-- name: issued-of-period
SELECT customer_account_id FROM invoice WHERE msp_id = :msp AND period = :period AND status = 'issued'

-- name: invoice
SELECT i.*, a.name AS customer_name FROM invoice i JOIN account a ON a.id = i.customer_account_id
WHERE i.msp_id = :msp AND i.id = :id

-- name: lock-billing-version
-- The MSP's '*' row of billing_version, taken before an invoice row is locked for an issue or a void: the triggers
-- of migration V2026_12_09_0100 take it first in every transaction that writes billing data, so taking it first
-- here too keeps one lock order (a run writing drafts and an issue of one of them never deadlock). Not raised.
INSERT INTO billing_version AS v (msp_id, period, version) VALUES (:msp, '*', 0)
ON CONFLICT (msp_id, period) DO UPDATE SET version = v.version

-- name: invoice-for-update
SELECT status, period, customer_account_id FROM invoice WHERE msp_id = :msp AND id = :id FOR UPDATE

-- name: lines
-- The invoices are looked up by their ids too, and the corrected invoice per line: joined on the MSP alone, the
-- planner hashed every invoice the MSP ever had (twice) to read a page of 50 (docs/benchmarks.md, issue 14 load).
SELECT l.*, CASE WHEN l.corrects_invoice_id IS NULL THEN NULL
                 ELSE (SELECT c.number FROM invoice c WHERE c.id = l.corrects_invoice_id AND c.msp_id = :msp)
            END AS corrects_number
FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id AND i.msp_id = :msp AND i.id = ANY(:invoices)
WHERE l.invoice_id = ANY(:invoices) ORDER BY l.invoice_id, l.position

-- name: invoices
-- The period as a range over the (msp_id, period) index, all periods when none is given: "period IS NULL OR period
-- = :period" made PostgreSQL's generic plan of the prepared statement (used after five runs) scan every invoice of
-- every MSP (docs/benchmarks.md, issue 11 item 8).
SELECT i.*, a.name AS customer_name FROM invoice i JOIN account a ON a.id = i.customer_account_id
WHERE i.msp_id = :msp
  AND i.period BETWEEN COALESCE(CAST(:period AS text), '') AND COALESCE(CAST(:period AS text), '~')
  AND (CAST(:status AS text) IS NULL OR i.status = :status)
  AND (CAST(:customer AS uuid) IS NULL OR i.customer_account_id = :customer)
  AND (CAST(:name AS text) IS NULL OR strpos(lower(a.name), lower(:name)) > 0)
  AND (NOT :customerView OR i.status <> 'draft')
ORDER BY i.period DESC, a.name, i.created_at DESC, i.id LIMIT :limit OFFSET :offset

-- name: count-invoices
-- as the list: the period as an index range; the customer's name read only when filtered by it
SELECT count(*) FROM invoice i
WHERE i.msp_id = :msp
  AND i.period BETWEEN COALESCE(CAST(:period AS text), '') AND COALESCE(CAST(:period AS text), '~')
  AND (CAST(:status AS text) IS NULL OR i.status = :status)
  AND (CAST(:customer AS uuid) IS NULL OR i.customer_account_id = :customer)
  AND (CAST(:name AS text) IS NULL OR EXISTS (SELECT 1 FROM account a WHERE a.id = i.customer_account_id
                                                AND strpos(lower(a.name), lower(:name)) > 0))
  AND (NOT :customerView OR i.status <> 'draft')

-- name: invoices-of-period
SELECT i.*, a.name AS customer_name FROM invoice i JOIN account a ON a.id = i.customer_account_id
WHERE i.msp_id = :msp AND i.period = :period ORDER BY i.created_at, i.id

-- name: next-number
INSERT INTO invoice_number_counter (msp_id, last_number) VALUES (:msp, 1)
ON CONFLICT (msp_id) DO UPDATE SET last_number = invoice_number_counter.last_number + 1
RETURNING last_number

-- name: issue
UPDATE invoice SET status = 'issued', number = :number, issue_date = :issueDate, due_date = :dueDate,
       issued_at = now(), issued_by = :by, seller = CAST(:seller AS jsonb), buyer = CAST(:buyer AS jsonb),
       updated_at = now()
WHERE msp_id = :msp AND id = :id AND status = 'draft'

-- name: void
UPDATE invoice SET status = 'void', voided_at = now(), voided_by = :by, void_reason = :reason, updated_at = now()
WHERE msp_id = :msp AND id = :id AND status = 'issued'

-- name: insert-delivery
INSERT INTO invoice_delivery (invoice_id, recipient, sent_by, error) VALUES (:invoice, :recipient, :by, :error)

-- name: deliveries
SELECT d.* FROM invoice_delivery d JOIN invoice i ON i.id = d.invoice_id
WHERE i.msp_id = :msp AND d.invoice_id = :invoice ORDER BY d.sent_at DESC, d.id DESC

-- name: close-period
INSERT INTO billing_period_close (msp_id, period, closed_by) VALUES (:msp, :period, :by)
ON CONFLICT DO NOTHING

-- name: period-close
SELECT * FROM billing_period_close WHERE msp_id = :msp AND period = :period

-- name: lock-msp
SELECT id FROM account WHERE id = :msp AND kind = 'msp' FOR UPDATE

-- name: billing-details
SELECT id, key, name, contact_email, legal_name, billing_address, tax_id, po_number, payment_terms_days, tax_rate,
       invoice_prefix
FROM account WHERE id = :account AND (id = :msp OR msp_id = :msp)

-- name: periods-with-runs
SELECT DISTINCT period FROM bill_run WHERE msp_id = :msp ORDER BY period DESC

-- name: update-billing-details
UPDATE account SET legal_name = :legalName, billing_address = :address, tax_id = :taxId, po_number = :poNumber,
       payment_terms_days = :terms, tax_rate = :taxRate, invoice_prefix = :prefix
WHERE id = :account AND (id = :msp OR msp_id = :msp)

-- name: draft-periods
SELECT DISTINCT period FROM invoice WHERE msp_id = :msp AND status = 'draft'

-- name: closed-periods
SELECT period FROM billing_period_close WHERE msp_id = :msp ORDER BY period

-- name: run-config
SELECT config_yaml, sources FROM bill_run WHERE msp_id = :msp AND id = :id

-- name: issued-corrections
SELECT l.corrects_invoice_id, l.corrects_line, l.exact, l.amount
FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
WHERE i.msp_id = :msp AND i.status = 'issued' AND l.kind = 'correction' AND l.corrects_invoice_id = :invoice

-- name: invoice-refs
-- the lines of each invoice by the line key (a join let the planner scan every line of every period)
SELECT i.id, i.customer_account_id, i.status, i.number, COALESCE(t.total, 0) AS total
FROM invoice i LEFT JOIN LATERAL (SELECT sum(l.amount) AS total FROM invoice_line l WHERE l.invoice_id = i.id) t ON true
WHERE i.msp_id = :msp AND i.period = :period

-- name: charge-by-service
-- the invoices of the period first, then their lines by the line key (a join scanned every line of every period)
SELECT l.description, sum(l.amount) AS amount
FROM invoice_line l
WHERE l.invoice_id = ANY(ARRAY(SELECT i.id FROM invoice i
                               WHERE i.msp_id = :msp AND i.period = :period AND i.status <> 'void'))
  AND l.kind IN ('service', 'charge', 'credit')
GROUP BY l.description ORDER BY amount DESC, l.description LIMIT :limit

-- name: period-version
-- What the Billing page of a period is computed from, as one value: the period's counter, which triggers raise in
-- the transaction of every insert, update or delete of its runs, their customer rows, its invoices, their lines and
-- its close, whichever server, command or cascade wrote it (migration V2026_12_09_0100; 0 until the first change),
-- and the MSP's own row (its currency) by its row version (xmin: the transaction that wrote it). Two lookups by key.
SELECT COALESCE((SELECT v.version FROM billing_version v WHERE v.msp_id = :msp AND v.period = :period), 0)
       || ' ' || COALESCE((SELECT a.xmin::text FROM account a WHERE a.id = :msp), 'gone')

-- name: invoices-version
-- What the invoice lists of an MSP are read from, as one value: the MSP's '*' counter, raised with every change of
-- any of its invoices or their lines and every rename of a customer an invoice names (migration V2026_12_09_0100).
SELECT COALESCE((SELECT v.version FROM billing_version v WHERE v.msp_id = :msp AND v.period = '*'), 0)
