package io.rebill.web.sso;

import io.rebill.identity.SsoConnection;
import io.rebill.identity.SsoConnections;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.ContactEmail;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

import java.util.Optional;

/**
 * "Sign in with SSO" on the login page: the email's domain picks the customer account whose provider signs the
 * person in; a domain without SSO gets the password form. Failures of the OpenID Connect flow come back here.
 */
@Controller
class SsoLoginController {
    private final SsoConnections connections;
    private final SsoClientRegistrations registrations;

    SsoLoginController(SsoConnections connections, SsoClientRegistrations registrations) {
        this.connections = connections;
        this.registrations = registrations;
    }

    @PostMapping("/login/sso")
    String route(@RequestParam(defaultValue = "") String email, Model model) {
        model.addAttribute("ssoEmail", email.strip());
        String checked;
        try {
            checked = ContactEmail.check(email, "email");
        } catch (RebillException e) {
            model.addAttribute("ssoError", "Type your work email address (like you@your-company.com) to sign in with SSO.");
            return "login";
        }
        String domain = ContactEmail.domainOf(checked);
        Optional<SsoConnection> connection = connections.findByDomain(domain);
        if (connection.isEmpty()) {
            model.addAttribute("ssoMessage", "SSO is not set up for " + domain + ". Sign in with your email and"
                    + " password, or ask your account's Owner to set up SSO.");
            return "login";
        }
        try {
            registrations.registration(connection.get());
        } catch (SsoUnavailableException e) {
            model.addAttribute("ssoError", SsoLogin.describe(e));
            return "login";
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/oauth2/authorization/{id}")
                .queryParam("login_hint", "{email}")
                .encode().buildAndExpand(connection.get().accountId(), checked).toUriString();
    }

    /** Where a failed SSO sign-in lands: the login page with the reason, once. */
    @GetMapping(SsoLogin.FAILED_PAGE)
    String failed(HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        Object failure = session == null ? null : session.getAttribute(SsoLogin.FAILURE);
        if (failure == null) {
            return "redirect:/login";
        }
        session.removeAttribute(SsoLogin.FAILURE);
        model.addAttribute("ssoError", failure.toString());
        return "login";
    }
}
