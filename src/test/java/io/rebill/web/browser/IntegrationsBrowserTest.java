package io.rebill.web.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.shared.config.RebillSettings;
import io.rebill.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.nio.file.Path;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The consolidated-payer workflow of the seed in Chromium: the MSP connects provider accounts of its integration to
 * a customer account; inside that account the customer's view shows the managed integration read-only; users added
 * there by the MSP show Created By = Manager User.
 */
@TestPropertySource(properties = {"rebill.bootstrap.source=payer-1", "rebill.integrations.scheduled-sync=false"})
class IntegrationsBrowserTest extends BrowserTest {

    @BeforeAll
    static void ingestThePayer() {
        Path sample = TestData.shared("focus-1.0-sample/focus_sample.csv");
        new Ingestion(RebillSettings.at(home)).ingest("payer-1", List.of(sample), ProgressListener.silent());
    }

    @Test
    void theMspConnectsProviderAccountsAndTheCustomerSeesThemReadOnly() {
        signInAsAdmin();
        page.navigate("/settings/managed-accounts");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New Managed Account")).click();
        page.getByLabel("Account Name").fill("Initech");
        page.getByLabel("Contact Email Address").fill("admin+initech@msp.example");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create Account")).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Initech")).click();

        Locator payer = page.locator("section[data-integration='Payer account (payer-1)']");
        assertThat(payer.locator(".status")).hasText("Stable");
        payer.getByText("Connect", new Locator.GetByTextOptions().setExact(true)).click();
        Locator first = payer.locator("input[name=sub]").first();
        String subAccount = first.getAttribute("value");
        first.check();
        screenshot("connect-provider-accounts");
        payer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();

        assertThat(page.getByRole(AriaRole.STATUS)).containsText("1 provider account(s) of Payer account (payer-1)");
        assertThat(page.locator("section[data-integration='Payer account (payer-1)']"))
                .containsText("1 provider account(s) connected");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Enter Account →")).click();
        page.navigate("/settings/managed-integrations");
        Locator managed = page.locator("section[data-integration='Payer account (payer-1)']");
        assertThat(managed.locator(".status")).hasText("Stable");
        assertThat(managed).containsText(subAccount);
        assertThat(managed.getByRole(AriaRole.BUTTON)).hasCount(0);
        screenshot("customer-managed-integrations");

        page.navigate("/settings/users");
        page.getByLabel("Email").fill("cfo@initech.example");
        page.getByLabel("Name").fill("Bill Lumbergh");
        page.locator("form[action$='/settings/users'] select[name=role]").selectOption("owner");
        page.getByLabel("Initial password").fill("initech-password-1");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add user")).click();
        assertThat(page.locator("tr[data-user='cfo@initech.example']")).containsText("Manager User");
        screenshot("customer-users-added-by-manager");

        // SSO is set up from inside the account; an issuer that cannot be reached is refused at once
        page.navigate("/settings/sso");
        page.getByLabel("Email domain").fill("initech.example");
        page.getByLabel("Issuer URL").fill("https://login.initech.invalid");
        page.getByLabel("Client ID").fill("rebill");
        page.getByLabel("Client secret").fill("s3cret-value");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("issuer");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Turn SSO off"))).hasCount(0);
        screenshot("sso-issuer-unreachable");
    }

    /**
     * Integrations > Connect an AWS export in S3 and Upload billing files: the secret access key is never shown
     * again (only that it is set), and an uploaded file is read at once with no server folder named on the page.
     */
    @Test
    void theOwnerConnectsAnS3ExportAndUploadsAFile() {
        signInAsAdmin();
        page.navigate("/settings/integrations");
        Locator s3Form = page.locator("form").filter(new Locator.FilterOptions().setHasText("Connect an AWS export in S3"));
        s3Form.getByLabel("Name", new Locator.GetByLabelOptions().setExact(true)).fill("Payer in S3");
        s3Form.getByLabel("Bucket").fill("acme-billing");
        s3Form.getByLabel("Prefix").fill("cur");
        s3Form.getByLabel("Report or export name").fill("hourly-cur");
        s3Form.getByLabel("Access key ID").fill("AKIAIOSFODNN7EXAMPLE");
        s3Form.getByLabel("Secret access key").fill("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        s3Form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Connect S3 export")).click();

        Locator s3 = page.locator("section[data-integration='Payer in S3']");
        assertThat(s3).containsText("S3 export s3://acme-billing/cur/hourly-cur/ (us-east-1)");
        assertThat(s3).containsText("Access key AKIAIOSFODNN7EXAMPLE · secret access key set");
        assertThat(s3).containsText("Syncs every 6 hours");
        assertThat(s3.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sync now"))).isVisible();
        org.assertj.core.api.Assertions.assertThat(page.content()).doesNotContain("wJalrXUtnFEMI");

        Locator uploadForm = page.locator("form").filter(new Locator.FilterOptions().setHasText("Upload billing files"));
        uploadForm.locator("select[name=provider]").selectOption("focus");
        uploadForm.getByLabel("Name", new Locator.GetByLabelOptions().setExact(true)).fill("Downloaded FOCUS exports");
        uploadForm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create")).click();
        Locator uploads = page.locator("section[data-integration='Downloaded FOCUS exports']");
        uploads.locator("input[type=file]").setInputFiles(TestData.shared("focus-1.0-sample/focus_sample.csv"));
        uploads.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload")).click();

        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Uploaded focus_sample.csv: Stable, billing periods 2024-09, 2024-10.");
        Locator uploaded = page.locator("section[data-integration='Downloaded FOCUS exports']");
        assertThat(uploaded.locator(".status")).hasText("Stable");
        assertThat(uploaded).containsText("Billing periods: 2024-09, 2024-10");
        // the MSP's staff see their own import folder in the folder form (the operator's); no card names a folder
        org.assertj.core.api.Assertions.assertThat(uploaded.innerText()).doesNotContain(home.toString())
                .doesNotContain("upload-");
        screenshot("s3-and-uploads");
    }

    /**
     * Integrations > Connect an Azure export in Blob Storage: the SAS token is never shown again (only that it is set);
     * the card says where the export is read from, which dataset and how often it syncs.
     */
    @Test
    void theOwnerConnectsAnAzureExportInBlobStorage() {
        signInAsAdmin();
        page.navigate("/settings/integrations");
        Locator form = page.locator("form").filter(new Locator.FilterOptions().setHasText("Connect an Azure export"));
        form.getByLabel("Name", new Locator.GetByLabelOptions().setExact(true)).fill("EA enrollment");
        form.locator("select[name=azure_auth]").selectOption("sas_token");
        form.getByLabel("Connection string, account key or SAS token").fill("sv=2022-11-02&ss=b&sp=rl&sig=SECRETSIGNATURE");
        form.getByLabel("Account URL (not with a connection string)").fill("https://acmebilling.blob.core.windows.net");
        form.getByLabel("Container").fill("exports");
        form.getByLabel("Export folder (prefix)").fill("costs/monthly-amortized");
        form.locator("select[name=export_kind]").selectOption("amortized");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Connect Azure export")).click();

        Locator azure = page.locator("section[data-integration='EA enrollment']");
        assertThat(azure).containsText("Azure export in Blob Storage https://acmebilling.blob.core.windows.net/exports/"
                + "costs/monthly-amortized (amortized cost)");
        assertThat(azure).containsText("SAS token set");
        assertThat(azure).containsText("Syncs every 6 hours");
        assertThat(azure.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sync now"))).isVisible();
        assertThat(azure.getByText("Replace the SAS token")).isVisible();
        org.assertj.core.api.Assertions.assertThat(page.content()).doesNotContain("SECRETSIGNATURE");
        screenshot("azure-blob-export");
    }
}
