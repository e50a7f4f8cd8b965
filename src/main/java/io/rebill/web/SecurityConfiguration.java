package io.rebill.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Form login for the single bootstrap MSP admin; CSRF protection stays on (Spring Security's default). Only the
 * health endpoint, the login page and static assets are open. API calls without a session get a 401 problem
 * instead of a redirect to the login page.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    static final String ADMIN = "admin";
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, JsonMapper json) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/login", "/css/**", "/favicon.ico",
                                "/error")
                        .permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").permitAll())
                .logout(Customizer.withDefaults())
                // First match wins: the API answers 401, every other route (whatever its Accept header) redirects.
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor(unauthenticatedApi(json),
                                PathPatternRequestMatcher.withDefaults().matcher("/api/**"))
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                                AnyRequestMatcher.INSTANCE));
        return http.build();
    }

    private static AuthenticationEntryPoint unauthenticatedApi(JsonMapper json) {
        return (request, response, exception) -> {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
                    "sign in first; the API uses the same session as the web pages");
            problem.setProperty("code", "UNAUTHENTICATED");
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            json.writeValue(response.getOutputStream(), problem);
        };
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        // Stores "{bcrypt}..." so that hashes can move to another algorithm later without a flag day.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService users(Environment environment, PasswordEncoder encoder) {
        AdminPassword password = AdminPassword.configuredOrGenerated(environment.getProperty(AdminPassword.PROPERTY));
        if (password.generated()) {
            // Once, on stdout, for the person starting the server; never logged.
            System.out.println("Rebill admin password: " + password.value());
            System.out.flush();
        } else {
            log.info("The admin password is the one set in REBILL_ADMIN_PASSWORD");
        }
        return new InMemoryUserDetailsManager(User.withUsername(ADMIN)
                .password(encoder.encode(password.value()))
                .roles("MSP_ADMIN")
                .build());
    }
}
