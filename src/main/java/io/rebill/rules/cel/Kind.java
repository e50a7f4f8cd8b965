package io.rebill.rules.cel;

/**
 * The kinds of value a billing condition computes with. Java values: {@code Boolean}, {@code Long},
 * {@code BigDecimal}, {@code String}, {@code LocalDateTime} (UTC) and {@code Map<String, String>}; DuckDB types:
 * BOOLEAN, BIGINT, DECIMAL(38, s), VARCHAR, TIMESTAMP and MAP(VARCHAR, VARCHAR). NULL is the same in every kind.
 */
enum Kind {
    BOOL("bool"),
    INT("int"),
    DECIMAL("decimal"),
    STRING("string"),
    TIMESTAMP("timestamp"),
    TAGS("map(string, string)");

    private final String celName;

    Kind(String celName) {
        this.celName = celName;
    }

    /** How the kind is named in messages, in CEL's words except that CEL's double is called decimal. */
    String celName() {
        return celName;
    }
}
