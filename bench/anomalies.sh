#!/usr/bin/env bash
# Times the anomaly statement (detect-anomalies of src/main/resources/io/rebill/budgets/budgets.sql, the defaults of
# docs/budgets.md) on the embedded PostgreSQL of a running Rebill's data folder, for the first MSP's PERIOD (a month
# that is over), inside a transaction that is rolled back. With CLONES, each customer's daily rows are first copied
# to CLONES new customers (amounts x a random 0.5-1.5), also rolled back. docs/benchmarks.md has the figures.
#   bench/anomalies.sh /tmp/demo-home 2026-10        # e.g. after ./rebill --data-dir /tmp/demo-home demo
#   bench/anomalies.sh /tmp/demo-home 2026-10 16     # 12 demo customers x 17 = 204 customers
set -euo pipefail
home="$1"; period="$2"; clones="${3:-0}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="$(sed -n 4p "$home/postgres/postmaster.pid")"
export PGPASSWORD="$(grep '^owner.password=' "$home/postgres/rebill-credentials.properties" | cut -d= -f2-)"
db() { psql -h 127.0.0.1 -p "$port" -U rebill -d rebill -v ON_ERROR_STOP=1 "$@"; }
msp="$(db -At -c "SELECT id FROM account WHERE kind = 'msp' ORDER BY created_at LIMIT 1")"
start="$period-01"
previous="$(date -u -d "$start -1 month" +%Y-%m)"
from="$(date -u -d "$start -28 days" +%F)"
last="$(date -u -d "$start +1 month -1 day" +%F)"
# the statement as the application runs it, its named parameters as psql variables
statement="$(sed -n '/^-- name: detect-anomalies$/,/^-- name: /p' "$here/src/main/resources/io/rebill/budgets/budgets.sql" \
  | grep -v '^-- name: ' | sed -E "s/:(msp|period|previous|from|lastComplete|periodStart)\b/:'\1'/g")"
{
  echo "BEGIN;"
  if [ "$clones" -gt 0 ]; then cat <<SQL
CREATE TEMP TABLE clones AS
SELECT c.id AS source, gen_random_uuid() AS id, c.key || '-x' || g AS key, c.name || ' x' || g AS name,
       replace(c.contact_email, '@', '-x' || g || '@') AS contact_email
FROM account c CROSS JOIN generate_series(1, $clones) g WHERE c.msp_id = '$msp' AND c.kind = 'customer';
INSERT INTO account (id, kind, msp_id, key, name, contact_email, currency, created_by)
SELECT id, 'customer', '$msp', key, name, contact_email, 'USD', 'bench' FROM clones;
INSERT INTO cost_daily_service (msp_id, period, run_id, customer_account_id, day, kind, service, currency, cost, charge)
SELECT d.msp_id, d.period, d.run_id, k.id, d.day, d.kind, d.service, d.currency,
       round(d.cost * CAST(0.5 + random() AS numeric), 6), round(d.charge * CAST(0.5 + random() AS numeric), 6)
FROM cost_daily_service d JOIN clones k ON k.source = d.customer_account_id;
SQL
  fi
  echo "SELECT count(DISTINCT customer_account_id) AS customers, count(*) AS daily_rows FROM cost_daily_service WHERE msp_id = '$msp';"
  echo "DELETE FROM cost_anomaly WHERE msp_id = '$msp';"
  echo '\timing on'
  echo "$statement;"
  echo '\timing off'
  echo "SELECT count(*) AS anomalies FROM cost_anomaly WHERE msp_id = '$msp';"
  echo "ROLLBACK;"
} > /tmp/rebill-anomalies-bench.sql
db -v msp="$msp" -v period="$period" -v previous="$previous" -v from="$from" -v lastComplete="$last" \
   -v periodStart="$start" -v window=28 -v minActive=14 -v minChange=20 -v minRelative=1 -v sigmas=3.5 \
   -f /tmp/rebill-anomalies-bench.sql | grep -E -A2 '^Time|customers|anomalies' | grep -v '^--$' 
