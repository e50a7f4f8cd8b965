package io.rebill.web;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every page's frame shows: who is signed in, in which account, with which role, and, inside a customer
 * account, the yellow border and the "Logged in as" pop-up (seed: "Access a Customer Account").
 */
@ControllerAdvice(annotations = Controller.class)
class NavModel {
    private final CurrentActor current;

    NavModel(CurrentActor current) {
        this.current = current;
    }

    /** {@code can} holds permission names, so a template asks {@code nav.can('VIEW_MANAGED_ACCOUNTS')}. */
    public record Nav(boolean signedIn, String userName, String email, String role, String accountName,
                      boolean msp, boolean acting, String homeName, Set<String> permissions, String accountId) {
        public boolean can(String permission) {
            return permissions.contains(permission);
        }

        static Nav anonymous() {
            return new Nav(false, "", "", "", "", false, false, "", Set.of(), "");
        }
    }

    @ModelAttribute("nav")
    Nav nav(HttpServletRequest request, HttpServletResponse response) {
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            return Nav.anonymous(); // @RestController is a @Controller too; JSON has no frame
        }
        try {
            return current.optional(request, response).map(NavModel::of).orElseGet(Nav::anonymous);
        } catch (RuntimeException e) {
            // a user whose access was removed mid-session: the page itself answers; the frame shows signed-out
            return Nav.anonymous();
        }
    }

    static Nav of(Actor actor) {
        return new Nav(true, actor.displayName(), actor.email(), actor.roleLabel(), actor.account().name(),
                actor.account().isMsp(), actor.managerUser(), actor.home().name(),
                actor.permissions().stream().map(Permission::name).collect(Collectors.toSet()),
                actor.account().id().toString());
    }
}
