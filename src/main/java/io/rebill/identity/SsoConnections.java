package io.rebill.identity;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.secrets.SecretBox;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.tenancy.AccountKind;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * SSO connections: one OpenID Connect provider per customer account, found at sign-in by the user's email domain
 * (docs/sso.md). A domain routes to one account only, and never an MSP's own domain: the MSP's staff sign in with
 * their own accounts, not through a customer's provider.
 */
public final class SsoConnections {
    private static final SqlStatements SQL = SqlStatements.load(SsoConnections.class, "sso.sql");
    private static final Pattern DOMAIN = Pattern.compile("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");
    private static final int MAX_TEXT = 2000;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final boolean allowHttpIssuers;
    private final SecretBox secrets;
    private final RowMapper<SsoConnection> row;

    /**
     * @param allowHttpIssuers accept {@code http://} issuers on this machine (localhost, 127.0.0.1) for tests and
     *                         local providers; a real provider is always {@code https://}
     * @param secrets          seals the client secrets in the database (AES-GCM, key outside the database)
     */
    public SsoConnections(JdbcClient jdbc, TransactionTemplate tx, boolean allowHttpIssuers, SecretBox secrets) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.allowHttpIssuers = allowHttpIssuers;
        this.secrets = secrets;
        this.row = (rs, n) -> {
            UUID account = rs.getObject("account_id", UUID.class);
            return new SsoConnection(account, rs.getString("email_domain"), rs.getString("issuer"),
                    rs.getString("client_id"), secrets.open(rs.getString("client_secret"), context(account)),
                    Role.fromDb(rs.getString("default_role")), rs.getTimestamp("created_at").toInstant(),
                    rs.getString("created_by"));
        };
    }

    /** What a client secret is bound to when sealed: its account, so a sealed value moved to another row fails. */
    private static String context(UUID account) {
        return "sso:" + account;
    }

    /**
     * Seals every client secret stored in plain text (by versions before secrets were sealed) and seals again every
     * one sealed with an older key than the current (after {@code rebill secrets rotate}). Runs at the server's
     * start; returns how many it changed.
     */
    public int sealStoredSecrets() {
        return tx.execute(status -> {
            int changed = 0;
            for (var stored : jdbc.sql(SQL.get("stored-secrets")).query((rs, n) -> java.util.Map.entry(
                    rs.getObject("account_id", UUID.class), rs.getString("client_secret"))).list()) {
                String value = stored.getValue();
                String current = secrets.keys().current().id();
                if (SecretBox.isSealed(value) && SecretBox.keyIdOf(value).equals(current)) {
                    continue;
                }
                String plain = SecretBox.isSealed(value) ? secrets.open(value, context(stored.getKey())) : value;
                changed += jdbc.sql(SQL.get("replace-secret")).param("account", stored.getKey())
                        .param("old", value).param("secret", secrets.seal(plain, context(stored.getKey()))).update();
            }
            return changed;
        });
    }

    /** What an Owner sets; an empty secret keeps the one stored (it is never shown, so it cannot be re-sent). */
    public record Settings(String emailDomain, String issuer, String clientId, Optional<String> clientSecret,
                           Role defaultRole) {
    }

    public Optional<SsoConnection> find(UUID accountId) {
        return jdbc.sql(SQL.get("find")).param("account", accountId).query(row).optional();
    }

    /** The connection that signs in users of {@code emailDomain}, if a customer account set one up. */
    public Optional<SsoConnection> findByDomain(String emailDomain) {
        String domain = emailDomain == null ? "" : emailDomain.strip().toLowerCase(Locale.ROOT);
        return jdbc.sql(SQL.get("find-by-domain")).param("domain", domain).query(row).optional();
    }

    /** The settings trimmed and lower-cased where it matters, or BAD_ARGUMENT naming the field that is wrong. */
    public Settings check(Settings settings) {
        Role role = settings.defaultRole() == null ? Role.VIEWER : settings.defaultRole();
        if (!role.validIn(AccountKind.CUSTOMER)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "default_role must be owner, editor or viewer");
        }
        Optional<String> secret = settings.clientSecret() == null ? Optional.empty()
                : settings.clientSecret().filter(s -> !s.isBlank()).map(s -> checkText(s, "client_secret"));
        return new Settings(checkDomain(settings.emailDomain()), checkIssuer(settings.issuer()),
                checkText(settings.clientId(), "client_id"), secret, role);
    }

    /** Creates or replaces the connection of customer account {@code accountId}. */
    public SsoConnection put(UUID accountId, AccountKind kind, Settings settings, String createdBy) {
        if (kind != AccountKind.CUSTOMER) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "SSO is set up per customer account; enter the customer"
                    + " account first");
        }
        Settings checked = check(settings);
        String domain = checked.emailDomain();
        return tx.execute(status -> {
            if (jdbc.sql(SQL.get("domain-of-an-msp")).param("domain", domain).query(Long.class).single() > 0) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "email_domain '" + domain + "' is the email domain"
                        + " of an MSP; a customer's SSO must use the customer's own domain");
            }
            if (jdbc.sql(SQL.get("domain-of-other-account")).param("domain", domain).param("account", accountId)
                    .query(Long.class).single() > 0) {
                throw new RebillException(ErrorCode.DUPLICATE, "email_domain '" + domain + "' already signs in to"
                        + " another account's SSO; a domain can route to one account only");
            }
            Optional<SsoConnection> current = find(accountId);
            String secret = checked.clientSecret().or(() -> current.map(SsoConnection::clientSecret))
                    .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "client_secret is required when"
                            + " SSO is set up; later changes may leave it out to keep the stored one"));
            jdbc.sql(SQL.get("upsert")).param("account", accountId).param("domain", domain)
                    .param("issuer", checked.issuer()).param("clientId", checked.clientId())
                    .param("secret", secrets.seal(secret, context(accountId)))
                    .param("role", checked.defaultRole().dbName())
                    .param("createdBy", createdBy).update();
            return find(accountId).orElseThrow();
        });
    }

    public boolean delete(UUID accountId) {
        return jdbc.sql(SQL.get("delete")).param("account", accountId).update() > 0;
    }

    static String checkDomain(String value) {
        String domain = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (domain.startsWith("@")) {
            domain = domain.substring(1);
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "email_domain '" + (value == null ? "" : value.strip())
                    + "' is not an email domain like example.com (the part after @ in your users' emails)");
        }
        return domain;
    }

    /**
     * The issuer exactly as the provider names itself in its discovery document (OpenID Connect Discovery 1.0 §4.3
     * requires the two to be identical), so it is kept as typed, only trimmed.
     */
    String checkIssuer(String value) {
        String issuer = checkText(value, "issuer");
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw badIssuer(issuer);
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getUserInfo() != null) {
            throw badIssuer(issuer);
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        boolean localHttp = "http".equalsIgnoreCase(uri.getScheme()) && allowHttpIssuers
                && (uri.getHost().equals("localhost") || uri.getHost().equals("127.0.0.1"));
        if (!https && !localHttp) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "issuer '" + issuer + "' must start with https://");
        }
        return issuer;
    }

    private static RebillException badIssuer(String issuer) {
        return new RebillException(ErrorCode.BAD_ARGUMENT, "issuer '" + issuer + "' is not the URL of an OpenID"
                + " Connect provider like https://login.example.com/realms/acme (no query, no #fragment)");
    }

    private static String checkText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " is required");
        }
        String text = value.strip();
        if (text.length() > MAX_TEXT) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " must be at most " + MAX_TEXT + " characters");
        }
        return text;
    }
}
