-- The input side of reconciliation (spec §1: "every ingested file reconciles"), one value per line, restated from
-- the raw CUR columns independently of cur-canonical.sql; summed per billing period and compared with the stored
-- Parquet. Written beside the canonical columns in the same scan, and re-read on its own by `rebill reconcile`.
    strftime({{ts:bill/BillingPeriodStartDate}}, '%Y-%m')                        AS in_period,
    {{num:lineItem/UnblendedCost}}                                                AS in_billed,
    CASE
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
    END                                                                           AS in_effective,
    {{num:pricing/publicOnDemandCost}}                                            AS in_list
