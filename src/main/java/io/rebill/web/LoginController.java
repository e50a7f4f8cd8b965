package io.rebill.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.Optional;

/**
 * The sign-in page; Spring Security handles the POST, its errors ({@code ?error}) and sign-out ({@code ?logout});
 * {@code ?locked=N} is a sign-in refused by the throttle for about N minutes ({@link SignInProtection}).
 */
@Controller
class LoginController {
    @GetMapping("/login")
    String login(@RequestParam("locked") Optional<String> locked, Model model) {
        locked.map(LoginController::minutes).ifPresent(m -> model.addAttribute("lockedMessage",
                "Too many failed sign-ins for this email or from your address. Sign-in is paused: try again in "
                        + (m == 1 ? "a minute" : m + " minutes") + "."));
        return "login";
    }

    /** The wait as the page says it: whole minutes from 1 to 15 (the parameter is the visitor's to change). */
    private static long minutes(String value) {
        try {
            return Math.clamp(Long.parseLong(value), 1, 15);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
