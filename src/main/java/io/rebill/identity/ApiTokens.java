package io.rebill.identity;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens: {@code rb_} + 32 random bytes, stored as SHA-256 (a token has 256 bits of entropy, so a fast hash is
 * enough; a slow password hash would only slow every API call). Scoped to one account and read or write; revoking
 * one takes effect on the next request.
 */
public final class ApiTokens {
    private static final String PREFIX = "rb_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    public ApiTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public NewApiToken create(UUID userId, UUID accountId, String name, TokenScope scope) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name must be 1 to 100 characters");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        UUID id = UUID.randomUUID();
        jdbc.sql(Users.SQL.get("insert-token")).param("id", id).param("user", userId).param("account", accountId)
                .param("name", trimmed).param("prefix", secret.substring(0, 10)).param("hash", hash(secret))
                .param("scope", scope.dbName()).update();
        return new NewApiToken(find(accountId, id), secret);
    }

    public Page<ApiToken> list(UUID accountId, PageRequest page) {
        List<ApiToken> items = jdbc.sql(Users.SQL.get("tokens")).param("account", accountId)
                .param("limit", page.limit()).param("offset", page.offset()).query(ROW).list();
        long total = jdbc.sql(Users.SQL.get("count-tokens")).param("account", accountId).query(Long.class).single();
        return new Page<>(items, page.offset(), page.limit(), total);
    }

    public ApiToken find(UUID accountId, UUID id) {
        return jdbc.sql(Users.SQL.get("find-token")).param("account", accountId).param("id", id).query(ROW).optional()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no API token " + id + " in this account"));
    }

    public ApiToken revoke(UUID accountId, UUID id) {
        find(accountId, id);
        jdbc.sql(Users.SQL.get("revoke-token")).param("account", accountId).param("id", id).update();
        return find(accountId, id);
    }

    /** How stale a token's "last used" may get: marking every call was a durable write (a WAL flush) per API read. */
    static final java.time.Duration USE_RECORDED_EVERY = java.time.Duration.ofMinutes(1);

    /** A live token and who its request acts as, as one read gives them. */
    public record Authenticated(ApiToken token, SignedIn signedIn) {
        public Authenticated {
            java.util.Objects.requireNonNull(token, "token");
            java.util.Objects.requireNonNull(signedIn, "signedIn");
        }
    }

    /**
     * When this process last wrote each token's last use. Every request that read a stale "last used" wrote it: once
     * a minute, the 20 requests of a client in flight then all updated the token's row, one after the other on its
     * row lock, each waiting for its own WAL flush. Now one request of this process writes it and the others go on.
     */
    private final java.util.Map<UUID, java.time.Instant> recorded = io.rebill.shared.cache.Lru.of(4_096);

    /**
     * The live token with this secret and who it acts as ({@link Users#signedIn} for the token's account), read in
     * one statement on every request, never kept: a revoked token, a deleted user or a removed membership apply to
     * the next request. Marks the token used (at most once a minute, {@link #USE_RECORDED_EVERY}).
     */
    public Optional<Authenticated> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        Optional<Authenticated> found = jdbc.sql(Users.SQL.get("token-signed-in")).param("hash", hash(secret))
                .query((rs, n) -> new Authenticated(token(rs, "token_"), Users.SIGNED_IN.mapRow(rs, n))).optional();
        found.ifPresent(a -> markUsed(a.token()));
        return found;
    }

    private void markUsed(ApiToken token) {
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant stale = now.minus(USE_RECORDED_EVERY);
        if (token.lastUsedAt().filter(used -> !used.isBefore(stale)).isPresent()) {
            return;
        }
        boolean[] mine = {false};
        recorded.compute(token.id(), (id, at) -> {
            if (at != null && !at.isBefore(stale)) {
                return at;
            }
            mine[0] = true;
            return now;
        });
        if (mine[0]) {
            jdbc.sql(Users.SQL.get("token-used")).param("id", token.id()).update();
        }
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final RowMapper<ApiToken> ROW = (rs, n) -> token(rs, "");

    /** A token from a row whose token columns carry {@code prefix} (token-signed-in's beside an account's columns). */
    private static ApiToken token(java.sql.ResultSet rs, String prefix) throws java.sql.SQLException {
        return new ApiToken(rs.getObject(prefix + "id", UUID.class), rs.getObject("user_id", UUID.class),
                rs.getString("user_email"), rs.getObject(prefix + "account_id", UUID.class), rs.getString(prefix + "name"),
                rs.getString(prefix + "prefix"), TokenScope.parse(rs.getString(prefix + "scope")),
                rs.getTimestamp(prefix + "created_at").toInstant(),
                Optional.ofNullable(rs.getTimestamp(prefix + "last_used_at")).map(Timestamp::toInstant),
                Optional.ofNullable(rs.getTimestamp(prefix + "revoked_at")).map(Timestamp::toInstant));
    }
}
