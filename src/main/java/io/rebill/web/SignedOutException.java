package io.rebill.web;

/**
 * The request carries a session or token whose user no longer exists (deleted while signed in): the caller is not
 * signed in any more, so the API answers 401 {@code UNAUTHENTICATED} (docs/api.md) and pages go to the sign-in page;
 * the session is ended ({@link RebillProblems#signedOut}).
 */
final class SignedOutException extends RuntimeException {
    SignedOutException(String message) {
        super(message);
    }
}
