package io.rebill.web.sso;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and caches providers' discovery documents ({@code <issuer>/.well-known/openid-configuration}, OpenID Connect
 * Discovery 1.0 §4). A document is kept for {@link #FRESH}; when a refresh fails the last good one is used, so a
 * provider's short outage of its discovery endpoint does not stop sign-ins that would otherwise work. Requests go
 * only where {@link IssuerAddresses} allows (https on public addresses unless the operator allows more), and the
 * endpoints the document names for the server's own requests are held to the same rule.
 */
final class OidcDiscovery {
    static final Duration FRESH = Duration.ofHours(1);
    private static final String PATH = "/.well-known/openid-configuration";
    private static final Logger log = LoggerFactory.getLogger(OidcDiscovery.class);

    private record Document(Map<String, Object> configuration, Instant readAt) {
    }

    /** The provider's endpoints Rebill itself calls at sign-in (the browser is sent to the others). */
    private static final List<String> SERVER_ENDPOINTS = List.of("token_endpoint", "jwks_uri", "userinfo_endpoint");

    private final HttpClient http;
    private final JsonMapper json;
    private final Clock clock;
    private final IssuerAddresses addresses;
    private final Map<String, Document> documents = new ConcurrentHashMap<>();

    OidcDiscovery(JsonMapper json, Clock clock, IssuerAddresses addresses) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.json = json;
        this.clock = clock;
        this.addresses = addresses;
    }

    /** The provider configuration of {@code issuer}, from the cache while fresh. */
    Map<String, Object> configuration(String issuer) {
        Document cached = documents.get(issuer);
        if (cached != null && cached.readAt().plus(FRESH).isAfter(clock.instant())) {
            return cached.configuration();
        }
        try {
            return refresh(issuer);
        } catch (SsoUnavailableException e) {
            if (cached == null) {
                throw e;
            }
            log.warn("SSO: keeping the discovery document of {} read at {}: {}", issuer, cached.readAt(), e.getMessage());
            return cached.configuration();
        }
    }

    /** Reads the document now (when an Owner saves a connection, so a mistake shows at once). */
    Map<String, Object> refresh(String issuer) {
        URI location;
        try {
            location = URI.create((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer) + PATH);
        } catch (IllegalArgumentException e) {
            throw new SsoUnavailableException("the issuer '" + issuer + "' is not a URL", e);
        }
        String refused = addresses.refusal(location);
        if (refused != null) {
            throw unavailable(location, refused, null);
        }
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // One answer for a closed port, a timeout, a plain-text listener and a TLS failure alike: a caller who
            // could tell them apart could map the network behind Rebill through this form (the log keeps the cause)
            log.info("SSO: discovery request to {} failed: {}", location, e.toString());
            throw unavailable(location, "it cannot be reached (no OpenID Connect provider answered there over HTTPS)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(location, "the request was interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw unavailable(location, "it answered HTTP " + response.statusCode(), null);
        }
        Map<String, Object> configuration;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = json.readValue(response.body(), Map.class);
            configuration = read;
        } catch (JacksonException e) {
            throw unavailable(location, "its answer is not JSON", e);
        }
        // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be identical to the one configured.
        Object named = configuration.get("issuer");
        if (!issuer.equals(named)) {
            throw unavailable(location, "the document names the issuer '" + named + "', not '" + issuer
                    + "'; set the issuer exactly as the provider names it", null);
        }
        for (String endpoint : SERVER_ENDPOINTS) {
            if (configuration.get(endpoint) instanceof String url) {
                String refusedEndpoint;
                try {
                    refusedEndpoint = addresses.refusal(URI.create(url));
                } catch (IllegalArgumentException e) {
                    refusedEndpoint = "it is not a URL";
                }
                if (refusedEndpoint != null) {
                    throw unavailable(location, "its " + endpoint + " " + url + " cannot be used: " + refusedEndpoint,
                            null);
                }
            }
        }
        try {
            ClientRegistrations.fromOidcConfiguration(configuration);
        } catch (RuntimeException e) {
            throw unavailable(location, "it is not a complete OpenID Connect configuration (" + e.getMessage() + ")", e);
        }
        documents.put(issuer, new Document(Collections.unmodifiableMap(new LinkedHashMap<>(configuration)),
                clock.instant()));
        return configuration;
    }

    private static SsoUnavailableException unavailable(URI location, String why, Throwable cause) {
        return new SsoUnavailableException("the identity provider's discovery document " + location
                + " could not be used: " + why, cause);
    }
}
