package io.rebill.web.sso;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where Rebill may send an identity provider's requests (the discovery document and the endpoints it names): an
 * Owner types the issuer, so without this check the server would fetch any URL they like from inside the MSP's
 * network (SSRF: cloud metadata at 169.254.169.254, an admin port on localhost). By default only {@code https://} on
 * public addresses: every address a host name resolves to must be public. The operator may allow private, loopback
 * and link-local addresses ({@code rebill.sso.allow-private-issuers=true}, for a provider inside their network), and
 * plain {@code http://} on this machine ({@code rebill.sso.allow-http-issuers=true}, for tests and local trials).
 *
 * <p>Limit: the name is resolved here and again when the request connects, so a DNS server that answers a public
 * address first and a private one a moment later (DNS rebinding) is not stopped by this check (docs/security.md).
 */
final class IssuerAddresses {
    private final boolean allowPrivate;
    private final boolean allowLocalHttp;

    IssuerAddresses(boolean allowPrivate, boolean allowLocalHttp) {
        this.allowPrivate = allowPrivate || allowLocalHttp;
        this.allowLocalHttp = allowLocalHttp;
    }

    static IssuerAddresses publicHttpsOnly() {
        return new IssuerAddresses(false, false);
    }

    /** Why Rebill will not send a request to {@code location}, or null when it may. */
    String refusal(URI location) {
        String host = location.getHost();
        if (host == null) {
            return "it has no host";
        }
        String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
        boolean localHost = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (!scheme.equals("https") && !(scheme.equals("http") && allowLocalHttp && localHost)) {
            return "it is not an https:// address";
        }
        if (allowPrivate) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return null; // the request itself fails, with the same words as any other unreachable provider
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                return "its host " + host + " is not on a public address (private, loopback and link-local"
                        + " addresses are refused unless the operator allows them, see docs/sso.md)";
            }
        }
        return null;
    }

    /** False for the special-purpose ranges of RFC 6890 a server must not be made to call. */
    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return false; // fc00::/7 unique local
            }
            if (isMappedOrCompatibleIpv4(b)) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0                                       // 0.0.0.0/8 "this network"
                    && !(first == 100 && second >= 64 && second < 128) // 100.64.0.0/10 carrier-grade NAT
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24 protocol assignments
                    && !(first == 198 && (second == 18 || second == 19)) // 198.18.0.0/15 benchmarking
                    && first < 240;                                 // 240.0.0.0/4 reserved, broadcast
        }
        return false;
    }

    private static boolean isMappedOrCompatibleIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
    }
}
