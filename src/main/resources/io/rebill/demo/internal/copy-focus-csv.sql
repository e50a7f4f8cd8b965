-- One file of FOCUS 1.2 as gzip CSV: rows ${lo} .. ${hi}-1 of the period.
COPY (FROM demo_focus_text(${lo}, ${hi})) TO '${path:out}' (FORMAT csv, HEADER true, COMPRESSION gzip);
