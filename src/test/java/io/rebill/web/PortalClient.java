package io.rebill.web;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP client of the portal for tests: signs in through the login form (session cookie + CSRF token, as a
 * browser does) or uses an API token, and calls the JSON API. Each call returns status, headers and parsed body.
 */
public final class PortalClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;
    private final Optional<String> token;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String csrf;

    private PortalClient(String base, HttpClient http, Optional<String> token) {
        this.base = base;
        this.http = http;
        this.token = token;
    }

    public record Response(int status, JsonNode body, String text, HttpResponse<String> raw) {
        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        public String code() {
            return body == null ? "" : body.path("code").asString();
        }

        public String detail() {
            return body == null ? "" : body.path("detail").asString();
        }
    }

    public static PortalClient anonymous(int port) {
        return new PortalClient("http://localhost:" + port, newHttp(), Optional.empty());
    }

    public static PortalClient withToken(int port, String token) {
        return new PortalClient("http://localhost:" + port, newHttp(), Optional.of(token));
    }

    /** A client over {@code http}, e.g. one whose cookies hold a session signed in by SSO. */
    public static PortalClient overHttp(int port, HttpClient http) {
        PortalClient client = new PortalClient("http://localhost:" + port, http, Optional.empty());
        client.refreshCsrf();
        return client;
    }

    /** Signs in through the login form; fails the test when the password is refused. */
    public static PortalClient signIn(int port, String email, String password) {
        PortalClient client = anonymous(port);
        int status = client.login(email, password);
        if (status != 302 || client.lastLocation.contains("error")) {
            throw new AssertionError("sign-in of " + email + " refused (" + status + " -> " + client.lastLocation + ")");
        }
        client.refreshCsrf();
        return client;
    }

    private String lastLocation = "";

    /** Posts the login form; returns the status (302 either way) and keeps the redirect target. */
    public int login(String email, String password) {
        HttpResponse<String> form = send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build());
        Matcher m = FORM_CSRF.matcher(form.body());
        if (!m.find()) {
            throw new AssertionError("the login form has no CSRF token");
        }
        String body = "username=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(m.group(1));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        lastLocation = response.headers().firstValue("Location").orElse("");
        return response.statusCode();
    }

    /** Reads the CSRF token a signed-in page carries (the session's token changes at sign-in). */
    public void refreshCsrf() {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/")).GET().build());
        Matcher m = META_CSRF.matcher(page.body());
        csrf = m.find() ? m.group(1) : null;
    }

    /** Stops sending the session's CSRF token (to see what a request without it gets). */
    public PortalClient withoutCsrf() {
        csrf = null;
        return this;
    }

    /** Sends this header on every later request (e.g. Rebill-Account); null stops sending it. */
    public PortalClient header(String name, String value) {
        if (value == null) {
            headers.remove(name);
            return this;
        }
        headers.put(name, value);
        return this;
    }

    public Response get(String path) {
        return call("GET", path, null);
    }

    public Response post(String path, Object body) {
        return call("POST", path, body);
    }

    public Response patch(String path, Object body) {
        return call("PATCH", path, body);
    }

    public Response put(String path, Object body) {
        return call("PUT", path, body);
    }

    public Response delete(String path, Object body) {
        return call("DELETE", path, body);
    }

    /** {@code body} may be a String (sent as is, e.g. malformed JSON) or anything Jackson writes. */
    public Response call(String method, String path, Object body) {
        String text = body == null ? "" : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text))
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        if (token.isEmpty() && csrf != null) {
            request.header("X-CSRF-TOKEN", csrf);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = send(request.build());
        JsonNode json = null;
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.contains("json") && !response.body().isEmpty()) {
            json = JSON.readTree(response.body());
        }
        return new Response(response.statusCode(), json, response.body(), response);
    }

    /** A POST whose body is the bytes given, sent as they are with {@code contentType} (a file upload). */
    public Response upload(String path, byte[] body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Accept", "application/json").header("Content-Type", contentType);
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        if (token.isEmpty() && csrf != null) {
            request.header("X-CSRF-TOKEN", csrf);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = send(request.build());
        String type = response.headers().firstValue("Content-Type").orElse("");
        JsonNode json = type.contains("json") && !response.body().isEmpty() ? JSON.readTree(response.body()) : null;
        return new Response(response.statusCode(), json, response.body(), response);
    }

    /** A download (PDF, CSV) as bytes, with the client's credentials and no JSON Accept header. */
    public HttpResponse<byte[]> download(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Submits a page's form as a browser would: reads the {@code _csrf} field of the page at {@code pagePath}, then
     * posts {@code fields} to {@code action}; the answer is not followed (a redirect's Location says how it went).
     */
    public HttpResponse<String> submit(String pagePath, String action, Map<String, String> fields) {
        Matcher m = FORM_CSRF.matcher(page(pagePath).body());
        if (!m.find()) {
            throw new AssertionError("the page " + pagePath + " has no form with a CSRF token");
        }
        StringBuilder body = new StringBuilder("_csrf=" + enc(m.group(1)));
        fields.forEach((k, v) -> body.append('&').append(enc(k)).append('=').append(enc(v)));
        return send(HttpRequest.newBuilder(URI.create(base + action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** Where the last sign-in through {@link #login} was sent. */
    public String lastLocation() {
        return lastLocation;
    }

    public HttpResponse<String> page(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient newHttp() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
