-- The input side of reconciliation for FOCUS files: their own cost columns, one value per line (see
-- cur-input-columns.sql).
    strftime(COALESCE({{ts:BillingPeriodStart}}, {{ts:ChargePeriodStart}}), '%Y-%m') AS in_period,
    {{num:BilledCost}}                                                            AS in_billed,
    {{num:EffectiveCost}}                                                         AS in_effective,
    {{num:ListCost}}                                                              AS in_list
