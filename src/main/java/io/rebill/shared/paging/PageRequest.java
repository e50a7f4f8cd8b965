package io.rebill.shared.paging;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

/** Which page of a listing is asked for; a limit above {@link Page#MAX_LIMIT} or a negative offset is refused. */
public record PageRequest(int offset, int limit) {
    public static final int DEFAULT_LIMIT = 50;

    public PageRequest {
        if (offset < 0) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "offset must be 0 or more, was " + offset);
        }
        if (limit < 1 || limit > Page.MAX_LIMIT) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT,
                    "limit must be between 1 and " + Page.MAX_LIMIT + ", was " + limit);
        }
    }

    public static PageRequest first() {
        return new PageRequest(0, DEFAULT_LIMIT);
    }
}
