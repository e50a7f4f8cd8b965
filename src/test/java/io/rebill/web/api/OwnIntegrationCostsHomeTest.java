package io.rebill.web.api;

import io.rebill.TestData;
import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Integrations;
import io.rebill.web.PortalClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 1: a customer's home shows its own integrations' costs (an integration it set up itself, whose lines
 * its MSP never bills) as the provider reports them, beside the re-billed figures; another customer and the MSP's
 * pages never show them. The expected figures are summed outside Rebill from the FOCUS 1.0 sample's September 2024
 * lines (EffectiveCost, 999 lines: 14.97651418586 in all, 13.00000000000 of it Amazon Elastic Compute Cloud).
 */
class OwnIntegrationCostsHomeTest extends ApiTestBase {
    /** The sample's one October 2024 line (cost 0), left out so the home shows the month that has costs. */
    private static final String OCTOBER_LINE = "\"2024-11-01 00:00:00\",\"2024-10-01 00:00:00\"";

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    Ingestion ingestion;

    private PortalClient customerOwner(PortalClient msp, String key) {
        String account = created(msp.post("/api/v1/managed_accounts", map("name", "Own Costs " + key + " Corp",
                "contact_email", "admin+own-" + key + "@msp.example"))).body().path("id").asString();
        users.addMember(UUID.fromString(account), AccountKind.CUSTOMER, "owner@own-" + key + ".example",
                "Own Owner " + key, Optional.of("customer-password-123"), Role.OWNER, "test");
        return PortalClient.signIn(port, "owner@own-" + key + ".example", "customer-password-123");
    }

    @Test
    void aCustomersHomeShowsItsOwnIntegrationsCostAndNobodyElseSeesIt() throws Exception {
        PortalClient msp = PortalClient.signIn(port, OWNER, PASSWORD);
        PortalClient customer = customerOwner(msp, "a");
        PortalClient other = customerOwner(msp, "b");
        String id = created(customer.post("/api/v1/integrations", map("provider", "focus",
                "name", "Our own FOCUS export", "kind", "uploads"))).body().path("id").asString();
        List<String> sample = Files.readAllLines(TestData.shared("focus-1.0-sample/focus_sample.csv"),
                StandardCharsets.UTF_8);
        String september = sample.stream().filter(line -> !line.contains(OCTOBER_LINE))
                .collect(Collectors.joining("\n", "", "\n"));
        ok(customer.upload("/api/v1/integrations/" + id + "/uploads?file_name=september.csv",
                september.getBytes(StandardCharsets.UTF_8), "text/csv"));

        HttpResponse<String> home = customer.page("/");
        String first = home.body();

        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(first).contains("Your own integrations", "September 2024", ">USD 14.98<",
                "title=\"USD 14.97651418586\"", "not a charge from your MSP", "Our own FOCUS export",
                "Amazon Elastic Compute Cloud", ">USD 13.00<");
        for (String page : new String[]{other.page("/").body(), msp.page("/").body()}) {
            assertThat(page).doesNotContain("Your own integrations").doesNotContain("14.98")
                    .doesNotContain("14.97651418586").doesNotContain("Our own FOCUS export");
        }

        // a restatement (only the sample's 554 EC2 lines of September, 13.00000000000) is a new stored generation:
        // the next request sums the new lines instead of serving the figures cached for the old ones
        String ec2Only = sample.stream().filter(line -> line == sample.getFirst()
                        || line.contains("\"Amazon Elastic Compute Cloud\"") && !line.contains(OCTOBER_LINE))
                .collect(Collectors.joining("\n", "", "\n"));
        Path restated = Files.writeString(home().resolve("own-ec2-only.csv"), ec2Only);
        ingestion.ingest(Integrations.sourceName(UUID.fromString(id)), List.of(restated), ProgressListener.silent());

        String after = customer.page("/").body();
        assertThat(after).contains("Your own integrations", "September 2024", ">USD 13.00<", "title=\"USD 13.00\"")
                .doesNotContain("14.98").doesNotContain("Azure Kubernetes Service");
    }
}
