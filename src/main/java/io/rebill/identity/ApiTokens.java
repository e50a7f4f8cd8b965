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

    /** The live token with this secret, if any; marks it used (at most once a minute, {@link #USE_RECORDED_EVERY}). */
    public Optional<ApiToken> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        Optional<ApiToken> token = jdbc.sql(Users.SQL.get("token-by-hash")).param("hash", hash(secret)).query(ROW)
                .optional();
        java.time.Instant stale = java.time.Instant.now().minus(USE_RECORDED_EVERY);
        token.filter(t -> t.lastUsedAt().map(used -> used.isBefore(stale)).orElse(true))
                .ifPresent(t -> jdbc.sql(Users.SQL.get("token-used")).param("id", t.id()).update());
        return token;
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final RowMapper<ApiToken> ROW = (rs, n) -> new ApiToken(rs.getObject("id", UUID.class),
            rs.getObject("user_id", UUID.class), rs.getString("user_email"), rs.getObject("account_id", UUID.class),
            rs.getString("name"), rs.getString("prefix"), TokenScope.parse(rs.getString("scope")),
            rs.getTimestamp("created_at").toInstant(),
            Optional.ofNullable(rs.getTimestamp("last_used_at")).map(Timestamp::toInstant),
            Optional.ofNullable(rs.getTimestamp("revoked_at")).map(Timestamp::toInstant));
}
