-- The input side of reconciliation (spec §1: "every ingested file reconciles"): one CUR line's own amounts, with
-- the amortisation restated from the raw columns independently of the mapping in cur-canonical.sql. Ingest computes
-- these beside the mapping in the same read and stores, per line, input minus stored (MappingQuery); the reconcile
-- command sums them in a scan of its own (InputSums). Each item is a select-list entry of one line.
strftime({{ts:bill/BillingPeriodStartDate}}, '%Y-%m')                            AS rb_input_period,
{{num:lineItem/UnblendedCost}}                                                    AS rb_input_billed,
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
END                                                                               AS rb_input_effective,
{{num:pricing/publicOnDemandCost}}                                                AS rb_input_list
