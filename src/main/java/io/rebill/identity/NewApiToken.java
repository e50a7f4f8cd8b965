package io.rebill.identity;

/** A token just created: {@code secret} is shown to its creator once and stored only as a hash. */
public record NewApiToken(ApiToken token, String secret) {
}
