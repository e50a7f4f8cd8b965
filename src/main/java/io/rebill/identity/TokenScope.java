package io.rebill.identity;

/** What an API token may do: read only, or everything its user's role allows. */
public enum TokenScope {
    READ, WRITE;

    public String dbName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static TokenScope parse(String value) {
        if ("read".equalsIgnoreCase(value)) {
            return READ;
        }
        if ("write".equalsIgnoreCase(value)) {
            return WRITE;
        }
        throw new io.rebill.shared.errors.RebillException(io.rebill.shared.errors.ErrorCode.BAD_ARGUMENT,
                "scope '" + value + "' is not read or write");
    }
}
