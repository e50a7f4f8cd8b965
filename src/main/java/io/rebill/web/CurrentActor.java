package io.rebill.web;

import io.rebill.identity.Actor;
import io.rebill.identity.SignedIn;
import io.rebill.identity.User;
import io.rebill.identity.Users;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Turns the signed-in principal into the request's {@link Actor}: the user's home account and role (read from the
 * database on every request, in one statement: {@link Users#signedIn}), and the customer account an MSP user
 * entered: in the browser session after "Enter Account", or per API request with the {@value #ACCOUNT_HEADER}
 * header. Responses made inside a customer account say so in {@value #ACTING_AS_HEADER} and {@value #ACCOUNT_HEADER}.
 */
@Component
public class CurrentActor {
    public static final String ENTERED_ACCOUNT = "rebill.enteredAccount";
    /** The account a browser session acts in, of the user's memberships ("Switch account"); else the first. */
    public static final String CHOSEN_ACCOUNT = "rebill.chosenAccount";
    public static final String ACCOUNT_HEADER = "Rebill-Account";
    public static final String ACTING_AS_HEADER = "Rebill-Acting-As";
    static final String REQUEST_ATTRIBUTE = CurrentActor.class.getName();

    private final Users users;
    private final Accounts accounts;

    CurrentActor(Users users, Accounts accounts) {
        this.users = users;
        this.accounts = accounts;
    }

    public Actor of(HttpServletRequest request, HttpServletResponse response) {
        if (request.getAttribute(REQUEST_ATTRIBUTE) instanceof Actor cached) {
            return cached;
        }
        Actor actor = resolve(request);
        if (actor.managerUser()) {
            response.setHeader(ACTING_AS_HEADER, "Manager User");
            response.setHeader(ACCOUNT_HEADER, actor.account().id().toString());
        }
        request.setAttribute(REQUEST_ATTRIBUTE, actor);
        return actor;
    }

    /** The actor without marking the response (for the request that leaves a customer account). */
    public Actor quietly(HttpServletRequest request) {
        return resolve(request);
    }

    /** The signed-in actor, if the request has one (pages that also show to signed-out visitors). */
    public Optional<Actor> optional(HttpServletRequest request, HttpServletResponse response) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !(auth.getPrincipal() instanceof PortalUser)) {
            return Optional.empty();
        }
        return Optional.of(of(request, response));
    }

    private Actor resolve(HttpServletRequest request) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !(auth.getPrincipal() instanceof PortalUser principal)) {
            throw new RebillException(ErrorCode.FORBIDDEN, "sign in first");
        }
        // one read: the user, the membership the request acts through and its account (a token: only the account
        // it was made in, and only while its user is still a member there; read with the token in this request)
        SignedIn signedIn = principal.signedInThisRequest()
                .or(() -> users.signedIn(principal.userId(), principal.tokenAccount(), chosen(request, principal)))
                .orElseThrow(() -> new SignedOutException("this user no longer exists; sign in again"));
        SignedIn.Home home = signedIn.home().orElseThrow(() -> new RebillException(ErrorCode.FORBIDDEN,
                "your user has no access to this account any more; ask an Owner of the account"));
        User user = signedIn.user();
        Account homeAccount = home.account();
        Actor actor = new Actor(user.id(), user.email(), user.displayName(), homeAccount, home.role(), homeAccount,
                principal.tokenScope());
        Optional<UUID> entered = enteredAccount(request, principal);
        if (entered.isEmpty() || entered.get().equals(homeAccount.id())) {
            return actor;
        }
        Optional<Account> customer = accounts.find(entered.get()).filter(a -> homeAccount.isMsp() && a.managedBy(homeAccount.id()));
        if (customer.isEmpty()) {
            HttpSession session = request.getSession(false);
            if (!fromHeader(request) && session != null) {
                // the session's account was deleted or unlinked since it was entered: back to the home account
                session.removeAttribute(ENTERED_ACCOUNT);
                return actor;
            }
            // a header naming an account the caller cannot act in is refused, never silently ignored: the request
            // would otherwise change the caller's own account instead of the one it named
            throw new RebillException(ErrorCode.UNKNOWN_ID, "no account " + entered.get() + " that you can act in"
                    + " (header " + ACCOUNT_HEADER + ")");
        }
        return actor.entering(customer.get());
    }

    /** A session's chosen membership first, when the user still has it (a user may belong to several accounts). */
    /** The account the session chose under "Your accounts" (never for a token, which acts where it was made). */
    private static Optional<UUID> chosen(HttpServletRequest request, PortalUser principal) {
        HttpSession session = principal.tokenAccount().isPresent() ? null : request.getSession(false);
        return session != null && session.getAttribute(CHOSEN_ACCOUNT) instanceof UUID chosen
                ? Optional.of(chosen) : Optional.empty();
    }

    private static boolean fromHeader(HttpServletRequest request) {
        String header = request.getHeader(ACCOUNT_HEADER);
        return header != null && !header.isBlank();
    }

    private static Optional<UUID> enteredAccount(HttpServletRequest request, PortalUser principal) {
        String header = request.getHeader(ACCOUNT_HEADER);
        if (header != null && !header.isBlank()) {
            try {
                return Optional.of(UUID.fromString(header.strip()));
            } catch (IllegalArgumentException e) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, ACCOUNT_HEADER + " '" + header + "' is not an account id");
            }
        }
        if (principal.tokenAccount().isPresent()) {
            return Optional.empty();
        }
        HttpSession session = request.getSession(false);
        return session == null ? Optional.empty()
                : Optional.ofNullable((UUID) session.getAttribute(ENTERED_ACCOUNT));
    }
}
