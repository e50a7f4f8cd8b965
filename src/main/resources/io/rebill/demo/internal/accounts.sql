-- The linked accounts and their customers, returned to the caller with the generated files.
SELECT account_id, customer, customer_name FROM demo_accounts ORDER BY account_index;
