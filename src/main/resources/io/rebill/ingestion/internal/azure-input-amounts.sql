-- The input side of reconciliation for Azure cost details (see cur-input-amounts.sql): the file's own cost per line.
-- An amortized file's billed side leaves out what its purchase billed (azure-canonical.sql), written here from the
-- raw columns on their own.
strftime(COALESCE({{ts:BillingPeriodStartDate}}, {{ts:Date}}), '%Y-%m')           AS rb_input_period,
CASE WHEN {{amortized}} AND lower({{str:ChargeType}}) IN ('usage', 'unusedreservation', 'unusedsavingsplan')
          AND (lower({{str:ChargeType}}) <> 'usage'
               OR lower({{str:PricingModel}}) IN ('reservation', 'savingsplan', 'savings plan')) THEN NULL
     ELSE COALESCE({{num:CostInBillingCurrency}}, {{num:Cost}})
END                                                                               AS rb_input_billed,
COALESCE({{num:CostInBillingCurrency}}, {{num:Cost}})                             AS rb_input_effective,
{{num:PaygCostInBillingCurrency}}                                                 AS rb_input_list
