package io.rebill.linking;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What the picker lists for one customer: optionally one integration, a search text (matched, case-insensitive,
 * against the account id, its name and the name of the customer it is billed to) and whose accounts.
 */
public record PickerFilter(Optional<UUID> integration, String query, Status status) {
    public PickerFilter {
        query = query == null ? "" : query.strip();
        if (query.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "q must be at most 200 characters");
        }
        integration = integration == null ? Optional.empty() : integration;
        status = status == null ? Status.ALL : status;
    }

    /** Whose accounts, seen from the customer the picker is for. */
    public enum Status {
        ALL, UNLINKED, THIS_CUSTOMER, OTHER_CUSTOMERS;

        public static Status parse(String text) {
            return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
                case "", "all" -> ALL;
                case "unlinked" -> UNLINKED;
                case "linked", "this_customer" -> THIS_CUSTOMER;
                case "other", "other_customers" -> OTHER_CUSTOMERS;
                default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "status '" + text
                        + "' is not one of all, unlinked, linked, other");
            };
        }

        public String apiName() {
            return switch (this) {
                case ALL -> "all";
                case UNLINKED -> "unlinked";
                case THIS_CUSTOMER -> "linked";
                case OTHER_CUSTOMERS -> "other";
            };
        }
    }

    boolean matches(ProviderAccount a, UUID customer) {
        if (integration.isPresent() && !integration.get().equals(a.integrationId())) {
            return false;
        }
        boolean statusOk = switch (status) {
            case ALL -> true;
            case UNLINKED -> a.customerId().isEmpty();
            case THIS_CUSTOMER -> a.customerId().filter(customer::equals).isPresent();
            case OTHER_CUSTOMERS -> a.customerId().filter(c -> !c.equals(customer)).isPresent();
        };
        if (!statusOk || query.isEmpty()) {
            return statusOk;
        }
        String q = query.toLowerCase(Locale.ROOT);
        return a.subAccountId().toLowerCase(Locale.ROOT).contains(q)
                || a.name().map(n -> n.toLowerCase(Locale.ROOT).contains(q)).orElse(false)
                || a.customerName().map(n -> n.toLowerCase(Locale.ROOT).contains(q)).orElse(false);
    }
}
