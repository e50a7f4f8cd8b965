-- Numbers that lines.sql needs from the dimension tables (offer of the Savings Plan fees, slot pools).
SELECT sp_fee_offer, usage_first, usage_slots, aws_first, aws_slots, sp_first, sp_slots FROM demo_constants;
