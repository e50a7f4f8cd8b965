-- The input side of reconciliation for FOCUS files: their own cost columns, summed per billing period.
SELECT
    strftime(COALESCE({{ts:BillingPeriodStart}}, {{ts:ChargePeriodStart}}), '%Y-%m') AS billing_period,
    count(*)                                                                      AS line_count,
    COALESCE(sum({{num:BilledCost}}), 0)                                          AS billed,
    COALESCE(sum({{num:EffectiveCost}}), 0)                                       AS effective,
    COALESCE(sum({{num:ListCost}}), 0)                                            AS list
FROM {{source}}
GROUP BY ALL
