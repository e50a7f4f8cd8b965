package io.rebill.web.browser;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.web.PortalClient;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invitation in Chromium (docs/security.md "Invitations"): the MSP's Owner invites an address from the Users
 * page (listed Pending), the test opens the mailed link, the new person sets a name and password and lands signed
 * in; the same link then says it was used; a customer account invites the same person, who accepts while signed in
 * and switches between the two accounts under "Your accounts". Screenshots of each accept page.
 */
class InvitationBrowserTest extends BrowserTest {
    private static final GreenMail MAIL = startMail();
    private static final Pattern LINK = Pattern.compile("http://\\S+(/invitations/ri_[A-Za-z0-9_-]+)");
    private static final String NIA = "nia@partner.example";

    @LocalServerPort
    int port;

    private static GreenMail startMail() {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        return mail;
    }

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("rebill.smtp.host", () -> "127.0.0.1");
        registry.add("rebill.smtp.port", () -> MAIL.getSmtp().getPort());
    }

    @AfterAll
    static void stopMail() {
        MAIL.stop();
    }

    @Test
    void anInvitedPersonSetsAPasswordThenAcceptsASecondAccountAndSwitches() throws Exception {
        signInAsAdmin();
        page.navigate("/settings/users");
        page.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill(NIA);
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Nia Partner");
        page.locator("form[action$='/settings/users'] select[name=role]").selectOption("Viewer");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add user")).click();
        assertThat(page.locator(".alert.ok")).containsText("Invited " + NIA);
        assertThat(page.locator("tr[data-user='" + NIA + "']")).containsText("Pending");
        screenshot("users-pending");

        String link = link(NIA, 1);
        page.getByLabel("User menu").click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
        page.navigate(link);
        assertThat(page.locator("main h1")).hasText("Join Demo MSP on Rebill");
        screenshot("accept-new-person");

        page.getByLabel("Your name").fill("Nia Partner");
        page.getByLabel("Password (12 characters or more)").fill("nia-password-123");
        page.getByLabel("Password again").fill("nia-password-124");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept and sign in")).click();
        assertThat(page.locator("#form-error")).hasText("The two passwords differ: type the same password twice.");
        screenshot("accept-passwords-differ");
        page.getByLabel("Password (12 characters or more)").fill("nia-password-123");
        page.getByLabel("Password again").fill("nia-password-123");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept and sign in")).click();
        assertThat(page.getByLabel("User menu")).hasText("Nia Partner");
        assertThat(page.locator(".account-name")).hasText("Demo MSP");

        page.navigate(link);
        assertThat(page.locator("#accepted")).containsText("This invitation was already accepted.");
        screenshot("accept-used");
        page.navigate("/invitations/ri_not-a-real-link");
        assertThat(page.locator("main h1")).hasText("This invitation link is not valid");
        screenshot("accept-invalid");

        // a customer account invites the same person, who accepts signed in and switches between the two
        PortalClient admin = PortalClient.signIn(port, ADMIN, ADMIN_PASSWORD);
        var created = admin.post("/api/v1/managed_accounts", Map.of("name", "Initech", "contact_email",
                "billing@msp.example"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String initech = created.body().path("id").asString();
        var invited = admin.header("Rebill-Account", initech).post("/api/v1/users",
                Map.of("email", NIA, "name", "Nia", "role", "editor", "invite", true));
        assertThat(invited.status()).as(invited.text()).isEqualTo(201);
        page.navigate(link(NIA, 2));
        assertThat(page.locator("main h1")).hasText("Join Initech on Rebill");
        assertThat(page.locator("#accept")).containsText("You are signed in as " + NIA);
        screenshot("accept-existing-user");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept the invitation")).click();
        assertThat(page.locator(".account-name")).hasText("Initech");

        page.getByLabel("User menu").click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Your accounts")).click();
        assertThat(page.locator("tr[data-account='Initech']")).containsText("Current");
        assertThat(page.locator("tr[data-account='Demo MSP']")).containsText("Viewer");
        screenshot("your-accounts");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Switch to Demo MSP")).click();
        assertThat(page.locator(".account-name")).hasText("Demo MSP");
    }

    /** The path of the {@code n}th invitation mailed to {@code address}. */
    private static String link(String address, int n) throws Exception {
        MAIL.waitForIncomingEmail(5_000, n);
        MimeMessage[] to = Arrays.stream(MAIL.getReceivedMessages()).filter(m -> {
            try {
                return GreenMailUtil.getAddressList(m.getAllRecipients()).contains(address);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(MimeMessage[]::new);
        assertThat(to).hasSize(n);
        String body = GreenMailUtil.getBody(to[n - 1]).replace("=\r\n", "").replace("=\n", "");
        Matcher m = LINK.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }
}
