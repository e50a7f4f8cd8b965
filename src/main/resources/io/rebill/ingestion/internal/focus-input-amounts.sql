-- The input side of reconciliation for FOCUS files: one line's own cost columns and billing period (see
-- cur-input-amounts.sql for how ingest and the reconcile command use them).
strftime(COALESCE({{ts:BillingPeriodStart}}, {{ts:ChargePeriodStart}}), '%Y-%m') AS rb_input_period,
{{num:BilledCost}}                                                                AS rb_input_billed,
{{num:EffectiveCost}}                                                             AS rb_input_effective,
{{num:ListCost}}                                                                  AS rb_input_list
