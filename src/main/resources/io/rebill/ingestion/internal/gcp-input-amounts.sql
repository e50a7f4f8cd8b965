-- The input side of reconciliation for Google Cloud's billing export (see cur-input-amounts.sql): a line's cost, and
-- each of its credits on a line of its own; the period is invoice.month.
{{month:invoice.month}}                                                             AS rb_input_period,
COALESCE(CASE WHEN rb_credit IS NULL THEN {{num:cost}} END, {{credit_amount}})   AS rb_input_billed,
COALESCE(CASE WHEN rb_credit IS NULL THEN {{num:cost}} END, {{credit_amount}})   AS rb_input_effective,
CASE WHEN rb_credit IS NULL THEN {{num:cost_at_list}} END                        AS rb_input_list
