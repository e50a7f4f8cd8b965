-- The fine cost aggregates leave PostgreSQL (issue 11 item 8, issue 12 item 7): a bill run keeps its daily aggregate
-- (customer x day x kind x service x category x charge type x region x account) and its tag aggregate as Parquet
-- files in its run folder, REBILL_HOME/runs/<msp>/<period>/<run>/daily.parquet and tags.parquet, beside its kept
-- lines; reports, budgets and figures that need those dimensions read them with DuckDB. At 1 M lines a month they
-- were 744,063 + about 1 M rows written per run inside the drafts' transaction. PostgreSQL keeps the small rollup
-- cost_daily_service (customer x day x kind x service), written in that transaction as before.
--
-- Periods billed before this version have no Parquet aggregates: at start the server asks for a bill run of every
-- open period whose latest run has none (BillRuns.refreshStoredFigures), and until it has run, a report that needs
-- the fine figures answers 409 FIGURES_REFRESHING rather than an empty table. Closed periods keep their rollup.
DROP TABLE cost_daily_tag;
DROP TABLE cost_daily;
