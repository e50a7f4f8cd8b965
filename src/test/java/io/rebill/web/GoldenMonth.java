package io.rebill.web;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient.Response;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The golden October 2026 the costs, reports, FOCUS-file and budgets flows bill through the real server: an MSP with
 * its Owner, customers Acme Corp (provider account 111111111111) and Globex (222222222222) with their users, one
 * integration reading {@code payer/cur.csv} from the MSP's import folder, and four rules set in the portal (an
 * exclusion of S3, CloudFront adjusted to 75 %, an uplift of 3 %, a monthly fee of 100) assigned to both customers.
 */
public final class GoldenMonth {
    public static final String PERIOD = "2026-10";
    public static final String PASSWORD = "owner-password-123";
    public static final String CUSTOMER_PASSWORD = "customer-password-1";

    /** The MSP, its Owner signed in, the two customers' account ids. */
    public record Msp(Account account, PortalClient owner, String acme, String globex) {
    }

    private GoldenMonth() {
    }

    /** A line of {@link TinyCur} used on another day of October 2026. */
    public static List<String> on(int day, String id, String account, String type, String product, String cost) {
        List<String> line = new ArrayList<>(TinyCur.line(id, account, type, product, cost, cost));
        line.set(8, String.format("2026-10-%02dT10:00:00Z", day));
        line.set(9, String.format("2026-10-%02dT11:00:00Z", day));
        return line;
    }

    /** Acme's EC2, CloudFront and S3, Globex's EC2 and tax, and a line of an account nobody has. */
    public static List<List<String>> lines() {
        return List.of(
                on(3, "l-ec2-acme-3", "111111111111", "Usage", "AmazonEC2", "100.00"),
                on(4, "l-ec2-acme-4", "111111111111", "Usage", "AmazonEC2", "10.005"),
                on(4, "l-cf-acme", "111111111111", "Usage", "AmazonCloudFront", "40"),
                on(5, "l-s3-acme", "111111111111", "Usage", "AmazonS3", "5.55"),
                on(6, "l-ec2-globex", "222222222222", "Usage", "AmazonEC2", "50.00"),
                on(6, "l-tax-globex", "222222222222", "Tax", "AmazonEC2", "5.00"),
                on(7, "l-ec2-nobody", "333333333333", "Usage", "AmazonEC2", "7.00"));
    }

    /**
     * Creates the MSP ({@code slug}: its key and email domain {@code slug.example}), its Owner Ana Lee, the customers
     * and each customer user of {@code users} ({customer "acme" or "globex", email}; an email starting with
     * "viewer" gets the Viewer role, the others Owner), added by the MSP's Owner inside the customer account.
     */
    public static Msp msp(int port, Accounts accounts, Users users, String slug, String name, String[][] customerUsers) {
        String email = "owner@" + slug + ".example";
        Account msp = accounts.createMsp(slug, name, email, slug + ".example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, email, "Ana Lee", Optional.of(PASSWORD), Role.OWNER, "test");
        PortalClient owner = PortalClient.signIn(port, email, PASSWORD);
        String acme = created(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@" + slug + ".example"))).body().path("id").asString();
        String globex = created(owner.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@" + slug + ".example"))).body().path("id").asString();
        for (String[] u : customerUsers) {
            String account = u[0].equals("acme") ? acme : globex;
            PortalClient manager = PortalClient.signIn(port, email, PASSWORD).header("Rebill-Account", account);
            created(manager.post("/api/v1/users", Map.of("email", u[1], "role", u[1].startsWith("viewer") ? "viewer"
                    : "owner", "password", CUSTOMER_PASSWORD)));
        }
        return new Msp(msp, owner, acme, globex);
    }

    /** Where the integration of {@link #connectAndSetRules} reads its CUR file. */
    public static Path curFile(Path home, Msp msp) {
        return home.resolve("imports").resolve(msp.account().id().toString()).resolve("payer/cur.csv");
    }

    /**
     * Connects the integration "Main payer" (folder {@code payer}), links Acme's and Globex's provider accounts, sets
     * the four rules and assigns them to both customers from October; returns the integration's id. Nothing is
     * ingested yet.
     */
    public static String connectAndSetRules(Msp msp) {
        PortalClient owner = msp.owner();
        String integration = created(owner.post("/api/v1/integrations", Map.of("provider", "aws",
                "name", "Main payer", "folder", "payer"))).body().path("id").asString();
        for (String[] link : new String[][]{{"111111111111", msp.acme()}, {"222222222222", msp.globex()}}) {
            Response r = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/" + link[0],
                    Map.of("customer_account_id", link[1], "from", PERIOD));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
        }
        created(owner.post("/api/v1/billing_rules", map("key", "no-s3", "title", "Storage is on the house",
                "kind", "exclusion", "scope", map("services", List.of("AmazonS3")))));
        created(owner.post("/api/v1/billing_rules", map("key", "cf-75", "title", "CloudFront at 75 %",
                "kind", "adjustment", "percentage", "75.0", "scope", map("services", List.of("AmazonCloudFront")))));
        created(owner.post("/api/v1/billing_rules", map("key", "uplift-3", "title", "Uplift 3 %", "kind", "uplift",
                "percent", "3")));
        created(owner.post("/api/v1/billing_rules", map("key", "fee", "title", "Management fee", "kind", "charge",
                "amount", "100", "frequency", "monthly", "invoice", Map.of("service", "Managed services",
                        "category", "MSP Fee"))));
        for (String customer : List.of(msp.acme(), msp.globex())) {
            Response r = owner.put("/api/v1/managed_accounts/" + customer + "/billing_rules",
                    Map.of("rules", List.of("no-s3", "cf-75", "uplift-3", "fee"), "from", PERIOD));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
        }
        return integration;
    }

    /** Reads the integration's files now; the bill run that follows starts by itself. */
    public static void ingest(Msp msp, String integration) {
        ok(msp.owner().post("/api/v1/integrations/" + integration + "/ingest", null));
    }

    /** Waits (90 s at most) until every bill run of the MSP succeeded; a failed run fails with its error. */
    public static void awaitIdleSucceeded(JdbcClient jdbc, UUID msp) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<String> statuses = jdbc.sql("SELECT status FROM bill_run WHERE msp_id = :msp").param("msp", msp)
                    .query(String.class).list();
            if (statuses.contains("failed")) {
                throw new AssertionError("a bill run failed: " + jdbc.sql("SELECT error FROM bill_run WHERE msp_id = :msp"
                        + " AND status = 'failed'").param("msp", msp).query(String.class).list());
            }
            if (!statuses.isEmpty() && statuses.stream().allMatch("succeeded"::equals)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("no bill run succeeded in 90 s");
    }
}
