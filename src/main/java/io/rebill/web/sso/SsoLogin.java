package io.rebill.web.sso;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.client.OAuth2LoginConfigurer;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

import java.util.regex.Pattern;

/**
 * The OpenID Connect sign-in as SecurityConfiguration plugs it in ({@code .oauth2Login(sso::configure)}): the
 * dynamic registrations, the account checks of {@link SsoUserService}, and failures shown on the login page in words
 * (Spring's default would answer a bare 500 when a provider cannot be reached).
 */
public final class SsoLogin {
    /** Session attribute holding the last SSO failure until the login page shows it. */
    static final String FAILURE = "rebill.ssoFailure";
    static final String FAILED_PAGE = "/login/sso";
    private static final Logger log = LoggerFactory.getLogger(SsoLogin.class);
    private static final Pattern LOGIN_HINT = Pattern.compile("^[^\\s@]{1,64}@[^\\s@]{1,253}$");

    private final ClientRegistrationRepository registrations;
    private final SsoUserService users;

    SsoLogin(ClientRegistrationRepository registrations, SsoUserService users) {
        this.registrations = registrations;
        this.users = users;
    }

    public void configure(OAuth2LoginConfigurer<HttpSecurity> login) {
        AuthenticationFailureHandler failure = SsoLogin::failed;
        login.loginPage("/login")
                .clientRegistrationRepository(registrations)
                // the provider's tokens are not used after sign-in; they live (and die) with the session
                .authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
                .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(withLoginHint()))
                .userInfoEndpoint(userInfo -> userInfo.oidcUserService(users))
                .failureHandler(failure)
                .withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                    @Override
                    public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler(failure);
                        return filter;
                    }
                });
    }

    /** Passes the email typed on the login page on to the provider ({@code login_hint}, OpenID Connect Core §3.1.2.1). */
    private OAuth2AuthorizationRequestResolver withLoginHint() {
        var resolver = new DefaultOAuth2AuthorizationRequestResolver(registrations,
                OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
        return new OAuth2AuthorizationRequestResolver() {
            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
                return hint(request, resolver.resolve(request));
            }

            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String registrationId) {
                return hint(request, resolver.resolve(request, registrationId));
            }
        };
    }

    private static OAuth2AuthorizationRequest hint(HttpServletRequest request, OAuth2AuthorizationRequest authorization) {
        String email = request.getParameter("login_hint");
        if (authorization == null || email == null || !LOGIN_HINT.matcher(email).matches()) {
            return authorization;
        }
        return OAuth2AuthorizationRequest.from(authorization)
                .additionalParameters(parameters -> parameters.put("login_hint", email)).build();
    }

    private static void failed(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                               AuthenticationException exception) throws java.io.IOException {
        String message = describe(exception);
        log.info("SSO sign-in failed on {}: {}", request.getRequestURI(), message);
        request.getSession().setAttribute(FAILURE, message);
        response.sendRedirect(request.getContextPath() + FAILED_PAGE);
    }

    /** What the person is told: our own refusals as they are, a provider that cannot be read by name, the rest briefly. */
    static String describe(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SsoUnavailableException unavailable) {
                return "SSO sign-in is not available right now: " + unavailable.getMessage()
                        + ". Try again later, or sign in with your password.";
            }
        }
        if (exception instanceof OAuth2AuthenticationException oauth) {
            String code = oauth.getError().getErrorCode();
            if (SsoUserService.REFUSED.equals(code)) {
                return "SSO sign-in refused: " + oauth.getError().getDescription() + ".";
            }
            String description = oauth.getError().getDescription();
            return "SSO sign-in failed (" + code + (description == null ? "" : ": " + description)
                    + "). Try again, or sign in with your password.";
        }
        if (exception.getCause() instanceof IllegalArgumentException unknown) {
            // e.g. /oauth2/authorization/<id> for an account without SSO (InvalidClientRegistrationIdException)
            return "SSO sign-in failed: " + unknown.getMessage() + ". Type your email under Sign in with SSO.";
        }
        return "SSO sign-in failed: " + exception.getMessage() + ". Try again, or sign in with your password.";
    }
}
