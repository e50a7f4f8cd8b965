package io.rebill.web.api;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.rebill.identity.Users;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 item 8, the invitation as a person lives it (docs/security.md "Invitations"): the Owner of customer
 * account A invites an address, the mail arrives at a real SMTP server (GreenMail), the test follows its link. A new
 * person sets a name and password, is signed in, and reads A and nothing else; a person who already is B's Owner
 * signs in, accepts, and then switches between A and B, each showing only its own users. Until accepted an
 * invitation grants nothing; an expired, used, withdrawn or replaced link says so; the inviter sees Pending,
 * Expired and Accepted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvitationFlowTest extends ApiTestBase {
    private static final String CUSTOMER_PASSWORD = "customer-password-1";
    private static final Pattern LINK = Pattern.compile("http://\\S+/invitations/(ri_[A-Za-z0-9_-]+)");
    private static final AtomicInteger SERIAL = new AtomicInteger();

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;

    private final String run = Long.toString(System.nanoTime(), 36);
    private UUID a;
    private UUID b;
    private PortalClient aOwner;
    private String bOwnerEmail;

    @BeforeAll
    void twoCustomers() {
        PortalClient msp = PortalClient.signIn(port, OWNER, PASSWORD);
        a = UUID.fromString(created(msp.post("/api/v1/managed_accounts",
                Map.of("name", "Invited Corp " + run, "contact_email", "admin+ia" + run + "@msp.example"))));
        b = UUID.fromString(created(msp.post("/api/v1/managed_accounts",
                Map.of("name", "Other Corp " + run, "contact_email", "admin+ib" + run + "@msp.example"))));
        String aOwnerEmail = "owner-" + run + "@invited.example";
        bOwnerEmail = "owner-" + run + "@other.example";
        created(msp.header("Rebill-Account", a.toString()).post("/api/v1/users",
                Map.of("email", aOwnerEmail, "name", "Ann Owner", "role", "owner", "password", CUSTOMER_PASSWORD)));
        PortalClient mspInB = PortalClient.signIn(port, OWNER, PASSWORD).header("Rebill-Account", b.toString());
        created(mspInB.post("/api/v1/users",
                Map.of("email", bOwnerEmail, "name", "Bo Other", "role", "owner", "password", CUSTOMER_PASSWORD)));
        aOwner = PortalClient.signIn(port, aOwnerEmail, CUSTOMER_PASSWORD);
    }

    /** The users list: members and open invitations by email, page by page, each page with the account's total. */
    @Test
    void theUsersListPagesByEmailWithTheAccountsTotal() {
        PortalClient msp = PortalClient.signIn(port, OWNER, PASSWORD);
        String paged = created(msp.post("/api/v1/managed_accounts",
                Map.of("name", "Paged Corp " + run, "contact_email", "admin+pc" + run + "@msp.example")));
        PortalClient in = PortalClient.signIn(port, OWNER, PASSWORD).header("Rebill-Account", paged);
        created(in.post("/api/v1/users", Map.of("email", "b-" + run + "@paged.example", "name", "Bea", "role", "viewer",
                "password", CUSTOMER_PASSWORD)));
        created(in.post("/api/v1/users", Map.of("email", "C-" + run + "@paged.example", "name", "Cy", "role", "owner",
                "password", CUSTOMER_PASSWORD)));
        created(in.post("/api/v1/users", Map.of("email", "a-" + run + "@paged.example", "name", "Al", "role", "viewer",
                "invite", true)));

        assertThat(usersPage(in, 0, 2)).isEqualTo("Al pending, Bea active of 3");
        assertThat(usersPage(in, 2, 2)).isEqualTo("Cy active of 3");
        assertThat(usersPage(in, 5, 2)).isEqualTo(" of 3");
    }

    private static String usersPage(PortalClient client, int offset, int limit) {
        var body = client.get("/api/v1/users?offset=" + offset + "&limit=" + limit).body();
        return body.path("items").valueStream().map(u -> u.path("name").asString() + " " + u.path("status").asString())
                .collect(java.util.stream.Collectors.joining(", ")) + " of " + body.path("total").asLong();
    }

    @Test
    void aNewPersonFollowsTheMailedLinkSetsAPasswordAndReadsExactlyTheAccountInvited() throws Exception {
        String email = "newbie-" + run + "@elsewhere.example";
        Response invited = aOwner.post("/api/v1/users", Map.of("email", email, "name", "Nia New", "role", "viewer",
                "invite", true));
        assertThat(invited.status()).as(invited.text()).isEqualTo(201);
        assertThat(invited.body().path("status").asString()).isEqualTo("pending");
        assertThat(users.findByEmail(email)).as("an invitation creates no user").isEmpty();

        MimeMessage mail = mailTo(email);
        assertThat(mail.getSubject()).isEqualTo("Ann Owner invited you to Invited Corp " + run + " on Rebill");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains("as Viewer").contains("The link works once, until");
        String token = token(body);
        assertThat(jdbc.sql("SELECT count(*) FROM invitation WHERE token_hash = :t").param("t", token)
                .query(Long.class).single()).as("the token itself is not stored").isZero();

        PortalClient person = PortalClient.anonymous(port);
        HttpResponse<String> page = person.page("/invitations/" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Join <span>Invited Corp " + run + "</span> on Rebill")
                .contains("data-state=\"pending\"").contains("id=\"new-user\"");

        HttpResponse<String> tooShort = person.submit("/invitations/" + token, "/invitations/" + token,
                Map.of("name", "Nia New", "password", "short", "confirm", "short"));
        assertThat(tooShort.body()).contains("Password must be 12 to 128 characters.");
        HttpResponse<String> accepted = person.submit("/invitations/" + token, "/invitations/" + token,
                Map.of("name", "Nia New", "password", "nia-password-123", "confirm", "nia-password-123"));
        assertThat(accepted.statusCode()).isEqualTo(302);
        assertThat(accepted.headers().firstValue("Location").orElseThrow()).endsWith("/?joined");

        person.refreshCsrf();
        Response me = person.get("/api/v1/me");
        assertThat(me.status()).as(me.text()).isEqualTo(200);
        assertThat(me.body().path("account").path("id").asString()).isEqualTo(a.toString());
        assertThat(me.body().path("role").asString()).isEqualTo("viewer");
        assertIsolatedTo(person, a, b);
        assertThat(PortalClient.signIn(port, email, "nia-password-123").get("/api/v1/me").body().path("name")
                .asString()).as("signs in again with the password chosen").isEqualTo("Nia New");

        assertThat(statusIn(aOwner, email)).isEqualTo("accepted");
        HttpResponse<String> again = PortalClient.anonymous(port).page("/invitations/" + token);
        assertThat(again.body()).contains("data-state=\"accepted\"").contains("already").doesNotContain("id=\"new-user\"");
    }

    @Test
    void aPersonWithAUserElsewhereSignsInAcceptsAndSwitchesBetweenTheirAccounts() throws Exception {
        Response invited = aOwner.post("/api/v1/users", Map.of("email", bOwnerEmail, "name", "Bo", "role", "editor",
                "invite", true));
        assertThat(invited.status()).as(invited.text()).isEqualTo(201);
        assertThat(invited.body().path("status").asString()).isEqualTo("pending");
        String token = token(GreenMailUtil.getBody(mailTo(bOwnerEmail)));

        // until accepted, B's Owner has nothing in A
        PortalClient bo = PortalClient.signIn(port, bOwnerEmail, CUSTOMER_PASSWORD);
        assertThat(bo.header("Rebill-Account", a.toString()).get("/api/v1/users").status()).isEqualTo(404);

        PortalClient person = PortalClient.anonymous(port);
        HttpResponse<String> page = person.page("/invitations/" + token);
        assertThat(page.body()).contains("id=\"sign-in-first\"").doesNotContain("id=\"new-user\"");
        person.login(bOwnerEmail, CUSTOMER_PASSWORD);
        assertThat(URI.create(person.lastLocation()).getPath()).as("sign-in comes back to the invitation")
                .isEqualTo("/invitations/" + token);
        HttpResponse<String> accept = person.submit("/invitations/" + token, "/invitations/" + token + "/accept",
                Map.of());
        assertThat(accept.statusCode()).as(accept.body()).isEqualTo(302);

        person.refreshCsrf();
        Response me = person.get("/api/v1/me");
        assertThat(me.body().path("account").path("id").asString()).isEqualTo(a.toString());
        assertThat(me.body().path("role").asString()).isEqualTo("editor");
        assertIsolatedTo(person, a, b);
        assertThat(person.page("/accounts").body()).contains("Invited Corp " + run).contains("Other Corp " + run);

        HttpResponse<String> toB = person.submit("/accounts", "/accounts/" + b + "/switch", Map.of());
        assertThat(toB.statusCode()).isEqualTo(302);
        person.refreshCsrf();
        assertThat(person.get("/api/v1/me").body().path("account").path("id").asString()).isEqualTo(b.toString());
        assertIsolatedTo(person, b, a);
        assertThat(users.findByEmail(bOwnerEmail).orElseThrow().displayName()).as("their own name stays")
                .isEqualTo("Bo Other");
        assertThat(statusIn(aOwner, bOwnerEmail)).isEqualTo("accepted");
    }

    @Test
    void expiredWithdrawnReplacedAndUnknownLinksSaySoAndGrantNothing() throws Exception {
        String email = "late-" + run + "@elsewhere.example";
        String id = created(aOwner.post("/api/v1/users", Map.of("email", email, "role", "viewer", "invite", true)));
        String first = token(GreenMailUtil.getBody(mailTo(email)));

        // "Send again" mails a new link; the first stops working
        HttpResponse<String> resent = aOwner.submit("/settings/users", "/settings/users/" + id + "/invite-again",
                Map.of());
        assertThat(resent.statusCode()).isEqualTo(302);
        List<MimeMessage> mails = mailsTo(email);
        assertThat(mails).hasSize(2);
        String second = token(GreenMailUtil.getBody(mails.get(1)));
        assertThat(second).isNotEqualTo(first);
        assertThat(PortalClient.anonymous(port).page("/invitations/" + first).body())
                .contains("data-state=\"invalid\"").contains("This invitation link is not valid");

        jdbc.sql("UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE id = :id")
                .param("id", UUID.fromString(id)).update();
        assertThat(statusIn(aOwner, email)).isEqualTo("expired");
        PortalClient person = PortalClient.anonymous(port);
        assertThat(person.page("/invitations/" + second).body()).contains("data-state=\"expired\"")
                .contains("This invitation expired on").doesNotContain("id=\"new-user\"");
        // the page offers no form any more; a form posted anyway (the session's CSRF token from the login page)
        HttpResponse<String> late = person.submit("/login", "/invitations/" + second,
                Map.of("name", "Late", "password", "late-password-123", "confirm", "late-password-123"));
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(late.body()).contains("This invitation expired; ask");
        assertThat(users.findByEmail(email)).isEmpty();

        // withdrawn (the Owner removes it from the users list): the link says so
        aOwner.submit("/settings/users", "/settings/users/" + id + "/invite-again", Map.of());
        String third = token(GreenMailUtil.getBody(mailsTo(email).get(2)));
        assertThat(aOwner.delete("/api/v1/users/" + id, null).status()).isEqualTo(204);
        assertThat(person.page("/invitations/" + third).body()).contains("data-state=\"revoked\"")
                .contains("withdrawn");
        HttpResponse<String> revoked = person.submit("/login", "/invitations/" + third,
                Map.of("name", "Late", "password", "late-password-123", "confirm", "late-password-123"));
        assertThat(revoked.body()).contains("This invitation was withdrawn");
        assertThat(users.findByEmail(email)).isEmpty();
        assertThat(aOwner.get("/api/v1/users/" + id).status()).isEqualTo(404);

        assertThat(PortalClient.anonymous(port).page("/invitations/ri_" + "x".repeat(43)).body())
                .contains("data-state=\"invalid\"");
        assertThat(PortalClient.anonymous(port).page("/invitations/not-a-token").body()).contains("data-state=\"invalid\"");
    }

    @Test
    void anInvitationAnswersTheSameWhetherOrNotTheAddressHasAUserElsewhere() {
        String fresh = "fresh-" + run + "-" + SERIAL.incrementAndGet() + "@elsewhere.example";
        String other = "viewer-" + run + "@other.example";
        created(PortalClient.signIn(port, bOwnerEmail, CUSTOMER_PASSWORD).post("/api/v1/users",
                Map.of("email", other, "role", "viewer", "password", CUSTOMER_PASSWORD)));
        List<String> shapes = new java.util.ArrayList<>();
        for (String email : List.of(other, fresh)) {
            Response r = aOwner.post("/api/v1/users", Map.of("email", email, "name", "Pat", "role", "viewer",
                    "invite", true));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            shapes.add(r.text().replaceAll("\"id\":\"[^\"]+\"", "ID").replaceAll("\"since\":\"[^\"]+\"", "SINCE")
                    .replace(email, "EMAIL"));
        }
        assertThat(shapes.get(0)).isEqualTo(shapes.get(1));
        Response withPassword = aOwner.post("/api/v1/users", Map.of("email", "pw-" + run + "@elsewhere.example",
                "role", "viewer", "invite", true, "password", "some-password-1"));
        assertThat(withPassword.status()).isEqualTo(400);
        assertThat(withPassword.detail()).contains("chooses their own password");
    }

    /** The person reads {@code own}'s users and nothing of {@code other} nor of the MSP. */
    private void assertIsolatedTo(PortalClient person, UUID own, UUID other) {
        Response list = person.get("/api/v1/users");
        assertThat(list.status()).isEqualTo(200);
        List<String> emails = new java.util.ArrayList<>();
        list.body().path("items").forEach(u -> emails.add(u.path("email").asString()));
        List<String> ownEmails = users.members(own, new io.rebill.shared.paging.PageRequest(0, 200)).items().stream()
                .map(io.rebill.identity.Member::email).toList();
        assertThat(emails).containsExactlyInAnyOrderElementsOf(ownEmails);
        assertThat(person.header("Rebill-Account", other.toString()).get("/api/v1/users").status()).isEqualTo(404);
        person.header("Rebill-Account", null);
        assertThat(person.get("/api/v1/managed_accounts").status()).isEqualTo(403);
    }

    private static String statusIn(PortalClient owner, String email) {
        for (var u : owner.get("/api/v1/users?limit=200").body().path("items")) {
            if (u.path("email").asString().equalsIgnoreCase(email)) {
                return u.path("status").asString();
            }
        }
        throw new AssertionError(email + " is not listed");
    }

    private static String token(String body) {
        Matcher m = LINK.matcher(body.replace("=\r\n", "").replace("=\n", ""));
        assertThat(m.find()).as("the mail has the link: %s", body).isTrue();
        return m.group(1);
    }

    private static MimeMessage mailTo(String address) throws Exception {
        List<MimeMessage> mails = mailsTo(address);
        assertThat(mails).as("mail to " + address).hasSize(1);
        return mails.getFirst();
    }

    private static List<MimeMessage> mailsTo(String address) throws Exception {
        MAIL.waitForIncomingEmail(5_000, 1);
        return Arrays.stream(MAIL.getReceivedMessages()).filter(m -> {
            try {
                return GreenMailUtil.getAddressList(m.getAllRecipients()).contains(address);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static String created(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().path("id").asString();
    }
}
