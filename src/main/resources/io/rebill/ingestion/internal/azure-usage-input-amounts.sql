-- The input side of reconciliation for Azure's pay-as-you-go usage file (see cur-input-amounts.sql).
strftime({{ts:UsageDateTime}}, '%Y-%m')                                            AS rb_input_period,
{{num:PreTaxCost}}                                                                AS rb_input_billed,
{{num:PreTaxCost}}                                                                AS rb_input_effective,
CAST(NULL AS DECIMAL(38,24))                                                      AS rb_input_list
