package io.rebill.identity;

import io.rebill.tenancy.Account;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a request is, as one read of the database gives it ({@link Users#signedIn}): the user, and the account they
 * act from with their role there; {@code home} is empty when the user is no longer a member of any account the
 * request may use (their access was removed).
 */
public record SignedIn(User user, Optional<Home> home) {
    public SignedIn {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(home, "home");
    }

    /** The account a signed-in user acts from, and their role in it. */
    public record Home(Account account, Role role) {
        public Home {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(role, "role");
        }
    }
}
