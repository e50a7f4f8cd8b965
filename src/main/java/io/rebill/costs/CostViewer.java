package io.rebill.costs;

import java.util.Objects;
import java.util.UUID;

/** Who reads cost figures: the MSP (charge, cost and margin of every customer) or one customer account (its charge). */
public sealed interface CostViewer {
    UUID msp();

    record Msp(UUID msp) implements CostViewer {
        public Msp {
            Objects.requireNonNull(msp, "msp");
        }
    }

    record Customer(UUID msp, UUID account) implements CostViewer {
        public Customer {
            Objects.requireNonNull(msp, "msp");
            Objects.requireNonNull(account, "account");
        }
    }
}
