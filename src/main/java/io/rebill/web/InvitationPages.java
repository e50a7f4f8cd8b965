package io.rebill.web;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Invitations;
import io.rebill.identity.Membership;
import io.rebill.identity.User;
import io.rebill.identity.Users;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The invitation link's page (docs/security.md "Invitations") and "Switch account" for a user who belongs to several
 * accounts. The link opens for anyone holding it: a person without a Rebill user sets a name and password and is
 * signed in; a person who has one signs in (the page brings them back here) and accepts. Expired, used, revoked and
 * unknown links say so. Accepting switches the session into the account it joined.
 */
@Controller
class InvitationPages {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Invitations invitations;
    private final Users users;
    private final Accounts accounts;
    private final AuditLog audit;
    private final CurrentActor current;
    private final HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final Clock clock = Clock.systemUTC();

    InvitationPages(Invitations invitations, Users users, Accounts accounts, AuditLog audit, CurrentActor current) {
        this.invitations = invitations;
        this.users = users;
        this.accounts = accounts;
        this.audit = audit;
        this.current = current;
    }

    @GetMapping("/invitations/{token}")
    String show(@PathVariable String token, HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<Invitations.Invitation> found = invitations.byToken(token);
        model.addAttribute("token", token);
        if (found.isEmpty()) {
            model.addAttribute("state", "invalid");
            return "invitation";
        }
        Invitations.Invitation invitation = found.get();
        model.addAttribute("invitation", invitation);
        model.addAttribute("accountName", invitations.accountName(invitation));
        model.addAttribute("roleLabel", invitation.role().label());
        model.addAttribute("expires", invitation.expiresAt().map(DAY::format).orElse(""));
        model.addAttribute("state", invitation.state(clock.instant()).name().toLowerCase(Locale.ROOT));
        Optional<User> signedIn = signedInUser();
        model.addAttribute("signedInAs", signedIn.map(User::email).orElse(""));
        boolean hasUser = users.findByEmail(invitation.email()).isPresent();
        model.addAttribute("hasUser", hasUser);
        if (hasUser && signedIn.isEmpty()) {
            // after signing in, Spring's form login comes back to this page
            new HttpSessionRequestCache().saveRequest(request, response);
        }
        return "invitation";
    }

    /** A person without a Rebill user accepts with the name and password they choose, and is signed in. */
    @PostMapping("/invitations/{token}")
    String acceptAsNewUser(@PathVariable String token, @RequestParam(defaultValue = "") String name,
                           @RequestParam(defaultValue = "") String password,
                           @RequestParam(defaultValue = "") String confirm, HttpServletRequest request,
                           HttpServletResponse response, Model model) {
        if (!password.equals(confirm)) {
            model.addAttribute("formError", "The two passwords differ: type the same password twice.");
            model.addAttribute("name", name);
            return show(token, request, response, model);
        }
        User user;
        try {
            user = invitations.acceptAsNewUser(token, name, password);
        } catch (RebillException e) {
            model.addAttribute("formError", sentence(e.getMessage()));
            model.addAttribute("name", name);
            return show(token, request, response, model);
        }
        signIn(user, request, response);
        return joined(token, user, request, response);
    }

    /** A signed-in user accepts an invitation of their own address. */
    @PostMapping("/invitations/{token}/accept")
    String accept(@PathVariable String token, HttpServletRequest request, HttpServletResponse response, Model model) {
        User user = signedInUser().orElseThrow(() -> new SignedOutException("sign in to accept the invitation"));
        try {
            invitations.acceptAs(token, user);
        } catch (RebillException e) {
            model.addAttribute("formError", sentence(e.getMessage()));
            return show(token, request, response, model);
        }
        return joined(token, user, request, response);
    }

    /** The accounts the signed-in user belongs to, to switch between them. */
    @GetMapping("/accounts")
    String accountsPage(HttpServletRequest request, HttpServletResponse response, Model model) {
        Actor actor = current.of(request, response);
        List<Map<String, Object>> rows = users.memberships(actor.userId()).stream().map(m -> {
            Account account = accounts.find(m.accountId()).orElseThrow();
            return Map.<String, Object>of("id", account.id(), "name", account.name(), "role", m.role().label(),
                    "kind", account.isMsp() ? "MSP account" : "Customer account",
                    "current", account.id().equals(actor.home().id()));
        }).toList();
        model.addAttribute("memberships", rows);
        return "accounts";
    }

    @PostMapping("/accounts/{id}/switch")
    String switchAccount(@PathVariable UUID id, HttpServletRequest request, HttpServletResponse response) {
        Actor actor = current.quietly(request);
        boolean member = users.memberships(actor.userId()).stream().map(Membership::accountId).anyMatch(id::equals);
        if (!member) {
            return "redirect:/accounts?unknown";
        }
        var session = request.getSession();
        session.removeAttribute(CurrentActor.ENTERED_ACCOUNT);
        session.setAttribute(CurrentActor.CHOSEN_ACCOUNT, id);
        return "redirect:/";
    }

    private String joined(String token, User user, HttpServletRequest request, HttpServletResponse response) {
        Invitations.Invitation invitation = invitations.byToken(token).orElseThrow();
        var session = request.getSession();
        session.removeAttribute(CurrentActor.ENTERED_ACCOUNT);
        session.setAttribute(CurrentActor.CHOSEN_ACCOUNT, invitation.accountId());
        Account account = accounts.find(invitation.accountId()).orElseThrow();
        Actor actor = new Actor(user.id(), user.email(), user.displayName(), account, invitation.role(), account,
                Optional.empty());
        audit.record(actor, "user.accept_invitation", user.id().toString(),
                Map.of("email", user.email(), "role", invitation.role().dbName()));
        return "redirect:/?joined";
    }

    private void signIn(User user, HttpServletRequest request, HttpServletResponse response) {
        request.getSession();
        request.changeSessionId(); // a new session for a new sign-in, as the login form does
        PasswordUser principal = new PasswordUser(user.id(), user.email(), users.passwordHash(user.id()).orElseThrow());
        principal.eraseCredentials();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(principal, null,
                principal.getAuthorities()));
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
    }

    private Optional<User> signedInUser() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !(auth.getPrincipal() instanceof PortalUser principal)
                || principal.tokenAccount().isPresent()) {
            return Optional.empty();
        }
        return users.find(principal.userId());
    }

    private static String sentence(String message) {
        return message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1)
                + (message.endsWith(".") ? "" : ".");
    }
}
