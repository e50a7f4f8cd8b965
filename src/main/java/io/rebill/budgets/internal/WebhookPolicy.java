package io.rebill.budgets.internal;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which targets a channel may have. A webhook URL is https; plain http only to this machine's loopback, and only
 * when the operator allows it ({@code rebill.notifications.allow-http-loopback}, for tests and local relays), so
 * alerts never cross a network unencrypted and a channel cannot aim the server at its internal network over http.
 */
public record WebhookPolicy(boolean allowHttpLoopback) {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s,;<>\"]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    public String checkEmail(String target) {
        if (target.length() > 254 || !EMAIL.matcher(target).matches()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "target '" + target + "' is not an email address");
        }
        return target;
    }

    public URI checkWebhook(String target) {
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "target is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || uri.getUserInfo() != null) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "the webhook URL needs a host (and no user name)");
        }
        if (scheme.equals("https")) {
            return uri;
        }
        if (scheme.equals("http") && LOOPBACK.contains(host)) {
            if (allowHttpLoopback) {
                return uri;
            }
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "the webhook URL must be https; http to this machine is"
                    + " allowed only when rebill.notifications.allow-http-loopback is set");
        }
        throw new RebillException(ErrorCode.BAD_ARGUMENT, "the webhook URL must be https, not " + (scheme.isEmpty()
                ? "without a scheme" : scheme));
    }
}
