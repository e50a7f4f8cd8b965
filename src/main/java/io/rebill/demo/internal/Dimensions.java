package io.rebill.demo.internal;

import java.util.Map;

/** Numbers read back from the dimension tables after setup.sql (see constants.sql). */
record Dimensions(long spFeeOffer, long usageFirst, long usageSlots, long awsFirst, long awsSlots, long spFirst,
                  long spSlots) {
    void putInto(Map<String, Long> numbers) {
        numbers.put("sp_fee_offer", spFeeOffer);
        numbers.put("usage_first", usageFirst);
        numbers.put("usage_slots", usageSlots);
        numbers.put("aws_first", awsFirst);
        numbers.put("aws_slots", awsSlots);
        numbers.put("sp_first", spFirst);
        numbers.put("sp_slots", spSlots);
    }
}
