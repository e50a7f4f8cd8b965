-- One file of AWS CUR 2.0 as Parquet: rows ${lo} .. ${hi}-1 of the period.
COPY (FROM demo_cur2(${lo}, ${hi})) TO '${path:out}' (FORMAT parquet, COMPRESSION zstd);
