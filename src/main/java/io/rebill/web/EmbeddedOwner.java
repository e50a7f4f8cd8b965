package io.rebill.web;

import org.postgresql.util.PasswordUtil;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The application's role in the embedded cluster: {@value #ROLE}, a plain login role (no superuser, no CREATEDB, no
 * CREATEROLE) that owns database {@value #DATABASE} and everything in it. Run as the superuser at every start; each
 * step is idempotent, so a folder of an earlier version (database owned by {@code postgres}) is handed over on its
 * first start and a start interrupted half-way finishes the work on the next.
 */
final class EmbeddedOwner {
    static final String ROLE = "rebill";
    static final String DATABASE = "rebill";

    /**
     * Everything an earlier version's Flyway created as {@code postgres} in database rebill, given to the owner.
     * Sequences that belong to a column follow their table; system schemas are left alone.
     */
    private static final String HAND_OVER = """
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT n.nspname FROM pg_namespace n
                       WHERE n.nspowner = 'postgres'::regrole AND n.nspname <> 'information_schema'
                         AND n.nspname NOT LIKE 'pg\\_%' LOOP
                EXECUTE format('ALTER SCHEMA %I OWNER TO rebill', r.nspname);
              END LOOP;
              FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relowner = 'postgres'::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                         AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
                         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                         AND d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
                EXECUTE format('ALTER %s %s OWNER TO rebill', CASE r.relkind WHEN 'S' THEN 'SEQUENCE'
                  WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                  ELSE 'TABLE' END, r.name);
              END LOOP;
              FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE p.proowner = 'postgres'::regrole AND n.nspname <> 'information_schema'
                         AND n.nspname NOT LIKE 'pg\\_%' LOOP
                EXECUTE format('ALTER ROUTINE %s OWNER TO rebill', r.name);
              END LOOP;
              FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                       WHERE t.typowner = 'postgres'::regrole AND t.typtype IN ('e', 'd', 'r')
                         AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' LOOP
                EXECUTE format('ALTER TYPE %s OWNER TO rebill', r.name);
              END LOOP;
            END $$""";

    private EmbeddedOwner() {
    }

    static void ensure(EmbeddedCluster cluster) throws SQLException {
        EmbeddedCredentials credentials = cluster.credentials();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("postgres"), EmbeddedCluster.SUPERUSER,
                credentials.superuserPassword());
             Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", ROLE)) {
                s.execute("CREATE ROLE " + ROLE);
            }
            // The verifier is computed here, so the password never reaches the server's log.
            String verifier = PasswordUtil.encodeScramSha256(credentials.ownerPassword().toCharArray());
            s.execute("ALTER ROLE " + ROLE + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    + " NOBYPASSRLS PASSWORD '" + verifier + "'");
            if (exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                s.execute("ALTER DATABASE " + DATABASE + " OWNER TO " + ROLE);
            } else {
                // Constant names: CREATE DATABASE takes no bind parameters.
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE + " ENCODING 'UTF8'");
            }
        }
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(DATABASE), EmbeddedCluster.SUPERUSER,
                credentials.superuserPassword());
             Statement s = c.createStatement()) {
            s.execute(HAND_OVER);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }
}
