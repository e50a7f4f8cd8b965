package io.rebill.shared.errors;

/**
 * Stable error codes. The category decides how a caller reacts: {@link Category#INPUT} is the user's to fix
 * (never logged as ERROR), {@link Category#NOT_FOUND} names a missing id, {@link Category#INTERNAL} is ours.
 */
public enum ErrorCode {
    FILE_NOT_FOUND(Category.INPUT),
    FILE_EMPTY(Category.INPUT),
    FILE_UNREADABLE(Category.INPUT),
    UNKNOWN_FORMAT(Category.INPUT),
    MISSING_COLUMN(Category.INPUT),
    BAD_VALUE(Category.INPUT),
    BAD_ARGUMENT(Category.INPUT),
    /** A billing configuration (msp.yaml) that does not parse or does not hold together. */
    BAD_CONFIG(Category.INPUT),
    UNKNOWN_SOURCE(Category.NOT_FOUND),
    UNKNOWN_PERIOD(Category.NOT_FOUND),
    UNKNOWN_LINE(Category.NOT_FOUND),
    RECONCILIATION_FAILED(Category.INTEGRITY),
    STORAGE_FAILED(Category.INTERNAL),
    /** A CEL condition (a rule's {@code when}, a customer's {@code match}) that does not compile or is unsupported. */
    BAD_EXPRESSION(Category.INPUT),
    /** A request body that is not valid JSON, too large, or of the wrong shape. */
    BAD_REQUEST(Category.INPUT),
    /** An id (account, user, rule, token, integration) that does not exist for the caller. */
    UNKNOWN_ID(Category.NOT_FOUND),
    /** A value that must be unique (an email, a rule id) already exists. */
    DUPLICATE(Category.CONFLICT),
    /** Something still used elsewhere (a rule listed by a workflow, a workflow assigned to a customer). */
    IN_USE(Category.CONFLICT),
    /** An invoice's state does not allow the change (an issued invoice never changes; only an issued one is voided). */
    INVOICE_STATE(Category.CONFLICT),
    /** The billing period is closed: nothing of it changes any more. */
    PERIOD_CLOSED(Category.CONFLICT),
    /** The caller is signed in but their role does not allow the action. */
    FORBIDDEN(Category.FORBIDDEN),
    /**
     * A period's fine cost figures (by region, account, category, charge type or tag) are not there yet: a bill run
     * writes them again (data stored by an earlier version); try again in a minute.
     */
    FIGURES_REFRESHING(Category.CONFLICT),
    /**
     * A closed period's fine cost figures cannot be rebuilt (the stored data its bill run read is gone, or the
     * rebuilt figures differ from the run's): trying again does not help; its figures by day, service and customer stay.
     */
    FIGURES_UNAVAILABLE(Category.CONFLICT);

    public enum Category { INPUT, NOT_FOUND, INTEGRITY, CONFLICT, FORBIDDEN, INTERNAL }

    private final Category category;

    ErrorCode(Category category) {
        this.category = category;
    }

    public Category category() {
        return category;
    }
}
