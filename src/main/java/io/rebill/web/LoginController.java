package io.rebill.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The sign-in page; Spring Security handles the POST, its errors ({@code ?error}) and sign-out ({@code ?logout}). */
@Controller
class LoginController {
    @GetMapping("/login")
    String login() {
        return "login";
    }
}
