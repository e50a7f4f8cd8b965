-- One file of FOCUS 1.2 as Parquet: rows ${lo} .. ${hi}-1 of the period.
COPY (FROM demo_focus_typed(${lo}, ${hi})) TO '${path:out}' (FORMAT parquet, COMPRESSION zstd);
