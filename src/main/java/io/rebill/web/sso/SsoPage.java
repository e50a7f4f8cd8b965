package io.rebill.web.sso;

import io.rebill.identity.Actor;
import io.rebill.shared.errors.RebillException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Optional;

/**
 * Settings > SSO inside a customer account (seed: "Single Sign-On for Customer Accounts": set up by the MSP from
 * inside the account, or by the customer's Owner). Calls the API controller, so checks and audit are the API's.
 */
@Controller
class SsoPage {
    private final SsoApi api;

    SsoPage(SsoApi api) {
        this.api = api;
    }

    @GetMapping("/settings/sso")
    String show(Actor actor, Model model) {
        Optional<SsoApi.SsoJson> current;
        try {
            current = Optional.of(api.get(actor));
        } catch (RebillException e) {
            if (e.code() != io.rebill.shared.errors.ErrorCode.UNKNOWN_ID) {
                throw e;
            }
            current = Optional.empty();
        }
        model.addAttribute("sso", current.orElse(null));
        return "sso";
    }

    @PostMapping("/settings/sso")
    String save(Actor actor, @RequestParam("email_domain") String emailDomain, @RequestParam String issuer,
                @RequestParam("client_id") String clientId, @RequestParam(name = "client_secret", defaultValue = "") String secret,
                @RequestParam(name = "default_role", defaultValue = "viewer") String role, RedirectAttributes redirect) {
        try {
            api.put(actor, new SsoApi.SsoChange(emailDomain, issuer, clientId,
                    secret.isBlank() ? Optional.empty() : Optional.of(secret), Optional.of(role)));
            redirect.addFlashAttribute("message", "Saved: people of " + emailDomain.strip() + " now sign in with SSO.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/sso";
    }

    @PostMapping("/settings/sso/delete")
    String delete(Actor actor, RedirectAttributes redirect) {
        api.delete(actor);
        redirect.addFlashAttribute("message", "SSO is off for this account; users sign in with a password.");
        return "redirect:/settings/sso";
    }
}
