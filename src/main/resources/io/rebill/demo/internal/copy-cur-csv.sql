-- One file of AWS CUR (legacy naming) as gzip CSV: rows ${lo} .. ${hi}-1 of the period.
COPY (FROM demo_cur_legacy(${lo}, ${hi})) TO '${path:out}' (FORMAT csv, HEADER true, COMPRESSION gzip);
