-- DuckDB statements of a bill run's figures (io.rebill.rules.internal.RunFigures); ? parameters bound in order.

-- name: daily-charge-by-customer
-- a rebuilt daily aggregate's charge per customer, over the kinds a customer is billed for (what its draft sums);
-- as text, so that the comparison with the run's stored figures is exact
SELECT customer_key, CAST(sum(charge) AS VARCHAR) AS charge
FROM read_parquet(?)
WHERE customer_key IS NOT NULL AND kind IN ('usage', 'charge', 'credit')
GROUP BY customer_key
