package io.rebill.web;

import io.rebill.identity.SignInThrottle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Clock;

/**
 * The login form's throttle ({@link SignInThrottle}, docs/security.md): a filter in front of Spring's form login
 * refuses a locked email or address before any password is checked, and the form's handlers count failures and
 * forget an account's failures on success. A refused attempt goes back to {@code /login?locked=N} (N minutes), which
 * the page words; the client address is the request's, which behind a TLS proxy ({@code --behind-proxy}) is the one
 * the proxy names in {@code X-Forwarded-For}.
 */
final class SignInProtection {
    private static final Logger log = LoggerFactory.getLogger(SignInProtection.class);
    private static final String USERNAME = "username";

    private final SignInThrottle throttle;
    private final Clock clock;
    private final AuthenticationSuccessHandler success = new SavedRequestAwareAuthenticationSuccessHandler();

    SignInProtection(SignInThrottle throttle, Clock clock) {
        this.throttle = throttle;
        this.clock = clock;
    }

    OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return !"POST".equals(request.getMethod())
                        || !request.getRequestURI().equals(request.getContextPath() + "/login");
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                            FilterChain chain) throws ServletException, IOException {
                var lock = throttle.lock(request.getParameter(USERNAME), request.getRemoteAddr());
                if (lock.isPresent()) {
                    log.info("Sign-in of '{}' from {} refused unchecked: {} locked until {}",
                            request.getParameter(USERNAME), request.getRemoteAddr(), lock.get().kind(),
                            lock.get().until());
                    locked(request, response, lock.get());
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    AuthenticationFailureHandler failureHandler() {
        return (request, response, exception) -> failed(request, response, exception);
    }

    AuthenticationSuccessHandler successHandler() {
        return (request, response, authentication) -> succeeded(request, response, authentication);
    }

    private void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        var lock = throttle.failed(request.getParameter(USERNAME), request.getRemoteAddr());
        log.info("Sign-in of '{}' from {} refused: {}", request.getParameter(USERNAME), request.getRemoteAddr(),
                exception.getClass().getSimpleName());
        if (lock.isPresent()) {
            locked(request, response, lock.get());
            return;
        }
        response.sendRedirect(request.getContextPath() + "/login?error");
    }

    private void succeeded(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException, ServletException {
        throttle.succeeded(request.getParameter(USERNAME));
        success.onAuthenticationSuccess(request, response, authentication);
    }

    private void locked(HttpServletRequest request, HttpServletResponse response, SignInThrottle.Lock lock)
            throws IOException {
        response.sendRedirect(request.getContextPath() + "/login?locked=" + lock.minutesFrom(clock.instant()));
    }
}
