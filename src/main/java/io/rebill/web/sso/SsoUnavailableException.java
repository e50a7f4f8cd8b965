package io.rebill.web.sso;

/** The provider's discovery document could not be read or is not one; the message is for the person signing in. */
final class SsoUnavailableException extends RuntimeException {
    SsoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
