package io.rebill.web;

import io.rebill.identity.ApiTokens;
import io.rebill.identity.SignInFailures;
import io.rebill.identity.SignInThrottle;
import io.rebill.identity.TokenScope;
import io.rebill.identity.Users;
import io.rebill.web.sso.SsoLogin;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Sign-in: email and password through the login form (a session, CSRF protection on), or an API token in
 * {@code Authorization: Bearer rb_...} (no session, no cookie, so no CSRF token needed), or OpenID Connect SSO of a
 * customer account ({@link SsoLogin}, a session like the form's). Only the health endpoint,
 * the login page, the OpenAPI document and static assets are open. What a signed-in user may do is decided per
 * action from their role ({@link io.rebill.identity.Actor}), not here.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    static final String BEARER = "Bearer ";

    /**
     * No inline script anywhere (pages load theirs from /js and /webjars); inline style attributes stay allowed,
     * as the pages and htmx's indicator styles use them. No form-action: "Sign in with SSO" posts to a page that
     * redirects to the customer's own identity provider, which a browser would count against form-action.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"
            + " 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none';"
            + " base-uri 'self'; frame-ancestors 'none'";

    @Bean
    SignInThrottle signInThrottle(@Value("${rebill.sign-in.max-failures-per-account:5}") int perAccount,
                                  @Value("${rebill.sign-in.max-failures-per-address:20}") int perAddress,
                                  JdbcClient jdbc, TransactionTemplate tx) {
        // the counts live in PostgreSQL: a restart or a second process does not reset them (issue 14 item 5)
        return new SignInThrottle(perAccount, perAddress, Clock.systemUTC(), new SignInFailures(jdbc, tx));
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, JsonMapper json, ApiTokens tokens, SsoLogin sso,
                                            SignInThrottle throttle) throws Exception {
        SignInProtection signIn = new SignInProtection(throttle, Clock.systemUTC());
        RequestMatcher bearer = request -> Optional.ofNullable(request.getHeader("Authorization"))
                .filter(h -> h.startsWith(BEARER)).isPresent();
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/login", "/css/**", "/js/**",
                                "/webjars/**", "/favicon.ico", "/favicon.svg", "/error", "/api/v1/openapi.json", "/api/docs")
                        .permitAll()
                        // SSO: the login page's "Sign in with SSO" and the OpenID Connect redirects (docs/sso.md)
                        .requestMatchers("/login/sso", "/oauth2/**", "/login/oauth2/**").permitAll()
                        // an invitation's link: the page itself tells a new person from one who must sign in first
                        .requestMatchers("/invitations/*").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").permitAll()
                        .failureHandler(signIn.failureHandler()).successHandler(signIn.successHandler()))
                .addFilterBefore(signIn.filter(), UsernamePasswordAuthenticationFilter.class)
                // HSTS only on requests that arrived over HTTPS (Spring's default matcher), so plain-HTTP trials on
                // localhost are not pinned to HTTPS; the session cookie is Secure on those too (Tomcat)
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(
                                ReferrerPolicyHeaderWriter.ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                        .httpStrictTransportSecurity(hsts -> hsts.maxAgeInSeconds(Duration.ofDays(365).toSeconds())
                                .includeSubDomains(true)))
                .oauth2Login(sso::configure)
                .logout(Customizer.withDefaults())
                .csrf(csrf -> csrf.ignoringRequestMatchers(bearer))
                .addFilterBefore(new ApiTokenFilter(tokens, json), UsernamePasswordAuthenticationFilter.class)
                // First match wins: the API answers 401, every other route (whatever its Accept header) redirects.
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor(unauthenticatedApi(json),
                                PathPatternRequestMatcher.withDefaults().matcher("/api/**"))
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                                AnyRequestMatcher.INSTANCE)
                        .accessDeniedHandler(deniedApi(json,
                                PathPatternRequestMatcher.withDefaults().matcher("/api/**"))));
        return http.build();
    }

    private static AuthenticationEntryPoint unauthenticatedApi(JsonMapper json) {
        return (request, response, exception) -> writeUnauthenticated(json, response,
                "sign in first: use the session of the web pages, or an API token in 'Authorization: Bearer rb_...'");
    }

    /**
     * A refused API request (in practice a session's missing or wrong CSRF token) answers a problem like every other
     * API error: 401 when nobody is signed in (an anonymous POST is unauthenticated, not forbidden), else 403.
     * Pages keep Spring's default.
     */
    private static AccessDeniedHandler deniedApi(JsonMapper json, RequestMatcher api) {
        AccessDeniedHandler pages = new AccessDeniedHandlerImpl();
        return (request, response, denied) -> {
            if (!api.matches(request)) {
                pages.handle(request, response, denied);
                return;
            }
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth == null || auth instanceof AnonymousAuthenticationToken || !auth.isAuthenticated()) {
                writeUnauthenticated(json, response, "sign in first: use the session of the web pages, or an API"
                        + " token in 'Authorization: Bearer rb_...'");
                return;
            }
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, denied instanceof CsrfException
                    ? "the session's CSRF token is missing or wrong: send it in the header X-CSRF-TOKEN (a signed-in"
                    + " page has it in <meta name=\"csrf-token\">), or use an API token instead of the session"
                    : "this request is not allowed");
            problem.setTitle(HttpStatus.FORBIDDEN.getReasonPhrase());
            problem.setProperty("code", "FORBIDDEN");
            response.setStatus(HttpStatus.FORBIDDEN.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            json.writeValue(response.getOutputStream(), problem);
        };
    }

    static void writeUnauthenticated(JsonMapper json, HttpServletResponse response, String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, detail);
        problem.setTitle(HttpStatus.UNAUTHORIZED.getReasonPhrase());
        problem.setProperty("code", "UNAUTHENTICATED");
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    /** POSTs that change nothing (a dry run, leaving an entered account: a no-op for tokens), open to read tokens. */
    static final Set<String> READ_ONLY_POSTS = Set.of("/api/v1/billing_rules/preview", "/api/v1/session/return");

    static boolean readsOnly(HttpServletRequest request) {
        String method = request.getMethod();
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")
                || method.equals("POST") && READ_ONLY_POSTS.contains(request.getRequestURI());
    }

    static void writeForbidden(JsonMapper json, HttpServletResponse response, String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, detail);
        problem.setTitle(HttpStatus.FORBIDDEN.getReasonPhrase());
        problem.setProperty("code", "FORBIDDEN");
        response.setStatus(HttpStatus.FORBIDDEN.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        // Stores "{bcrypt}..." so that hashes can move to another algorithm later without a flag day.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** The login form's user name is the email address. SSO-only users have no password and cannot sign in here. */
    @Bean
    UserDetailsService userDetailsService(Users users) {
        return email -> users.findByEmail(email)
                .flatMap(user -> users.passwordHash(user.id()).map(hash -> new PasswordUser(user.id(), user.email(), hash)))
                .orElseThrow(() -> new UsernameNotFoundException("no password user"));
    }

    /** Authenticates {@code Authorization: Bearer rb_...} for this request only; a bad token is a 401, never a fall-through. */
    static final class ApiTokenFilter extends OncePerRequestFilter {
        private final ApiTokens tokens;
        private final JsonMapper json;

        ApiTokenFilter(ApiTokens tokens, JsonMapper json) {
            this.tokens = tokens;
            this.json = json;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header == null || !header.startsWith(BEARER)) {
                chain.doFilter(request, response);
                return;
            }
            var authenticated = tokens.authenticate(header.substring(BEARER.length()).strip());
            if (authenticated.isEmpty()) {
                writeUnauthenticated(json, response, "the API token is unknown or revoked; create a new one under"
                        + " Settings > API tokens");
                return;
            }
            if (authenticated.get().token().scope() == TokenScope.READ && !readsOnly(request)) {
                // docs/api.md: a read token only reads, whatever its user's role and whoever owns the target (it
                // once revoked its own user's write token, since revoking one's own token needs no permission)
                writeForbidden(json, response, "a read-only API token only reads; " + request.getMethod() + " "
                        + request.getRequestURI() + " changes something: use a write token");
                return;
            }
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new TokenUser(authenticated.get()));
            SecurityContextHolder.setContext(context);
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }
}
