package io.rebill.shared.errors;

/** The one domain exception: a stable code plus a message that says what was wrong and where. */
public class RebillException extends RuntimeException {
    private final ErrorCode code;

    public RebillException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public RebillException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
