-- Helpers shared by the mapping queries. Timestamps: ISO 8601 with or without offset (converted to UTC; the
-- session time zone is UTC), and the US short forms seen in FOCUS examples (5/1/25). A value that is none of these
-- raises an error naming the value; the caller turns it into file, line and column.
CREATE OR REPLACE TEMP MACRO rb_ts(x, col) AS
    CASE WHEN x IS NULL THEN NULL
         -- UTC written with Z (CUR, FOCUS) takes the plain cast, no substring (10 M values in 0.24 s instead of 1.3 s):
         -- what it does not parse (a date with Z, an offset and Z) goes through the cases below, as before
         -- and so does UTC written +00:00 (Google Cloud's BigQuery export: 2020-11-09 23:00:00+00:00): the plain cast
         -- reads the offset and leaves the time as written, right for +00:00 only (no copy of the text without it: half
         -- the time per value)
         ELSE COALESCE(CASE WHEN ends_with(x, 'Z') OR ends_with(x, '+00:00') THEN TRY_CAST(x AS TIMESTAMP) END, CASE
         -- US dates: Azure's 9/1/2023 and 09/01/2023 (a four-digit year: strptime alone, no regular expression, as
         -- Azure writes two per line), the FOCUS examples' 5/1/25
         WHEN contains(x, '/') THEN COALESCE(
             CASE WHEN substr(x, length(x) - 4, 1) = '/' AND NOT contains(right(x, 4), '/') THEN try_strptime(x, '%m/%d/%Y')
                  WHEN regexp_full_match(x, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}') THEN try_strptime(x, '%m/%d/%y') END,
             error('rebill-bad-timestamp' || chr(31) || col || chr(31) || x))
         -- the common case, UTC written with Z or without an offset, takes the fast plain cast
         WHEN NOT contains(x[11:], '+') AND NOT contains(x[11:], '-') THEN COALESCE(TRY_CAST(rtrim(x, 'Z') AS TIMESTAMP),
             error('rebill-bad-timestamp' || chr(31) || col || chr(31) || x))
         ELSE COALESCE(TRY_CAST(x AS TIMESTAMPTZ)::TIMESTAMP,
                       error('rebill-bad-timestamp' || chr(31) || col || chr(31) || x))
    END)
    END;
-- A Parquet text column's value (a name, an id) with the null forms read_csv's nullstr turns into NULL for CSV
-- files ('', NULL, null, \N) as NULL. Keep the list equal to MappingQuery.NULL_STRINGS. Numbers and timestamps in
-- Parquet text columns take only '' as no value (MappingQuery.asText), what AWS's Athena integration writes.
CREATE OR REPLACE TEMP MACRO rb_text(x) AS
    CASE WHEN x IN ('', 'NULL', 'null', '\N') THEN NULL ELSE x END;
-- A text value with a NUL byte in it (a file pasted together from a binary one) raises an error naming its column;
-- the caller finds the line (issue 14 item 9). A NULL passes as NULL.
CREATE OR REPLACE TEMP MACRO rb_str(x, col) AS
    CASE WHEN contains(x, chr(0)) THEN error('rebill-nul-byte' || chr(31) || col) ELSE x END;
-- FOCUS ChargeCategory (FOCUS 1.0-1.2 allow exactly these five; any case is taken). Another value raises an error
-- naming it; the caller names the line and the allowed values (issue 14 item 9). Keep equal to FileErrors.
CREATE OR REPLACE TEMP MACRO rb_focus_category(x, col) AS
    CASE WHEN x IS NULL THEN NULL
         WHEN lower(x) IN ('usage', 'purchase', 'tax', 'credit', 'adjustment') THEN upper(x[1]) || lower(x[2:])
         ELSE error('rebill-bad-category' || chr(31) || col || chr(31) || x) END;
-- Google Cloud's invoice.month (202411) as a billing period (2024-11); another value raises an error naming it.
CREATE OR REPLACE TEMP MACRO rb_invoice_month(x, col) AS
    CASE WHEN x IS NULL THEN NULL
         WHEN regexp_full_match(x, '[0-9]{4}(0[1-9]|1[0-2])') THEN x[1:4] || '-' || x[5:6]
         ELSE error('rebill-bad-month' || chr(31) || col || chr(31) || x) END;
CREATE OR REPLACE TEMP MACRO rb_title(x) AS
    CASE WHEN x IS NULL THEN NULL ELSE upper(x[1]) || lower(x[2:]) END;
-- CUR 2.0 resource_tags keys: user_team -> team, aws_created_by -> aws:created_by (docs/canonical-line-item.md).
CREATE OR REPLACE TEMP MACRO rb_cur_tag_key(k) AS
    CASE WHEN starts_with(k, 'user_') THEN k[6:]
         WHEN starts_with(k, 'user:') THEN k[6:]
         WHEN starts_with(k, 'aws_') THEN 'aws:' || k[5:]
         ELSE k END;
-- Money and quantities: plain decimals or scientific notation; also the US display form of the FOCUS examples
-- ($10,000.00: an optional $, comma thousands separators). Anything else raises an error naming the value.
CREATE OR REPLACE TEMP MACRO rb_money(x, col) AS
    CASE WHEN x IS NULL THEN NULL
         ELSE COALESCE(TRY_CAST(x AS DECIMAL(38,24)),
                       CASE WHEN regexp_full_match(trim(x), '-?[$]?[0-9]{1,3}(,[0-9]{3})*([.][0-9]+)?|-?[$]?[0-9]+([.][0-9]+)?')
                            THEN TRY_CAST(replace(replace(trim(x), '$', ''), ',', '') AS DECIMAL(38,24)) END,
                       error('rebill-bad-number' || chr(31) || col || chr(31) || x))
    END;
-- Costs at {{places}} places (10 and 12: CanonicalColumn.STORED_MONEY_SCALES; Sql.prepare defines rb_money_10 and
-- rb_money_12 from this one text), the forms rb_money accepts. A value whose text has more places after the point
-- (trailing zeros aside; in scientific notation, the mantissa's places minus the exponent: 1.5e-05 has 6) raises
-- rebill-money-scale, and the ingest reads the file again at the next scale: no digit is ever rounded away. Spaces
-- only ever make the test say "more places", which costs speed, never a digit. A value is parsed as DECIMAL(18,{{places}})
-- first, which holds every cost below 10^(18-{{places}}) in 64 bits, and only what does not fit as DECIMAL(38,{{places}}):
-- parsing text into 128 bits costs about five times as much, and two costs of every Google Cloud line parsed this way
-- took a tenth of its staging read (docs/benchmarks.md, "Session 16").
CREATE OR REPLACE TEMP MACRO rb_sci_places(m, e) AS
    (CASE WHEN strpos(m, '.') > 0 THEN length(rtrim(m, '0')) - strpos(m, '.') ELSE 0 END) - TRY_CAST(e AS INTEGER);
CREATE OR REPLACE TEMP MACRO rb_money_{{places}}(x, col) AS
    CASE WHEN x IS NULL THEN NULL
         WHEN contains(x, 'e') OR contains(x, 'E')
             THEN CASE WHEN COALESCE(rb_sci_places(split_part(lower(x), 'e', 1), split_part(lower(x), 'e', 2)) <= {{places}}, FALSE)
                       THEN COALESCE(TRY_CAST(x AS DECIMAL(18,{{places}})), TRY_CAST(x AS DECIMAL(38,{{places}})), error('rebill-bad-number' || chr(31) || col || chr(31) || x))
                       ELSE error('rebill-money-scale' || chr(31) || col || chr(31) || x) END
         -- {{chars}} characters hold at most {{places}} places, so short values skip the closer look, and only
         -- values with more characters after the point have their trailing zeros trimmed
         WHEN length(x) > {{chars}} AND strpos(x, '.') > 0 AND length(x) - strpos(x, '.') > {{places}}
              AND length(rtrim(x, '0')) - strpos(x, '.') > {{places}}
             THEN error('rebill-money-scale' || chr(31) || col || chr(31) || x)
         ELSE COALESCE(TRY_CAST(x AS DECIMAL(18,{{places}})), TRY_CAST(x AS DECIMAL(38,{{places}})),
                       CASE WHEN regexp_full_match(trim(x), '-?[$]?[0-9]{1,3}(,[0-9]{3})*([.][0-9]+)?|-?[$]?[0-9]+([.][0-9]+)?')
                            THEN TRY_CAST(replace(replace(trim(x), '$', ''), ',', '') AS DECIMAL(38,{{places}})) END,
                       error('rebill-bad-number' || chr(31) || col || chr(31) || x))
    END;
