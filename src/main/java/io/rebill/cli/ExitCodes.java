package io.rebill.cli;

import io.rebill.shared.errors.RebillException;

/** Exit codes: 0 ok, 2 bad input or arguments, 3 reconciliation does not hold, 4 not found, 5 internal error. */
final class ExitCodes {
    static final int OK = 0;
    static final int INPUT = 2;
    static final int RECONCILIATION = 3;
    static final int NOT_FOUND = 4;
    static final int INTERNAL = 5;

    private ExitCodes() {
    }

    static int of(RebillException e) {
        return switch (e.code().category()) {
            case INPUT, CONFLICT, FORBIDDEN -> INPUT;
            case INTEGRITY -> RECONCILIATION;
            case NOT_FOUND -> NOT_FOUND;
            case INTERNAL -> INTERNAL;
        };
    }
}
