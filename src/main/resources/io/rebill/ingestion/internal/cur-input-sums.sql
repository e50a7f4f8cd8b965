-- The input side of reconciliation (spec §1: "every ingested file reconciles"): a separate scan of one CUR file
-- that sums its own cost columns per billing period, restating the amortisation independently of the mapping.
SELECT
    strftime({{ts:bill/BillingPeriodStartDate}}, '%Y-%m')                        AS billing_period,
    count(*)                                                                      AS line_count,
    COALESCE(sum({{num:lineItem/UnblendedCost}}), 0)                              AS billed,
    COALESCE(sum(CASE
        WHEN {{str:lineItem/LineItemType}} = 'SavingsPlanCoveredUsage' THEN {{num:savingsPlan/SavingsPlanEffectiveCost}}
        WHEN {{str:lineItem/LineItemType}} = 'SavingsPlanRecurringFee'
            THEN COALESCE({{num:savingsPlan/TotalCommitmentToDate}}, 0) - COALESCE({{num:savingsPlan/UsedCommitment}}, 0)
        WHEN {{str:lineItem/LineItemType}} IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN NULL
        WHEN {{str:lineItem/LineItemType}} = 'DiscountedUsage' THEN {{num:reservation/EffectiveCost}}
        WHEN {{str:lineItem/LineItemType}} = 'RIFee'
            THEN COALESCE({{num:reservation/UnusedAmortizedUpfrontFeeForBillingPeriod}}, 0)
                 + COALESCE({{num:reservation/UnusedRecurringFee}}, 0)
        WHEN {{str:lineItem/LineItemType}} = 'Fee' AND {{str:reservation/ReservationARN}} IS NOT NULL THEN NULL
        ELSE {{num:lineItem/UnblendedCost}}
    END), 0)                                                                      AS effective,
    COALESCE(sum({{num:pricing/publicOnDemandCost}}), 0)                          AS list
FROM {{source}}
GROUP BY ALL
