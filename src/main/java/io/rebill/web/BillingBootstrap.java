package io.rebill.web;

import io.rebill.billingconfig.BillingRules;
import io.rebill.billingconfig.ConfigImport;
import io.rebill.identity.Actor;
import io.rebill.identity.Role;
import io.rebill.identity.User;
import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.BillRuns;
import io.rebill.invoicing.InvoiceFilter;
import io.rebill.invoicing.InvoiceStatus;
import io.rebill.invoicing.Invoices;
import io.rebill.invoicing.RunTrigger;
import io.rebill.rules.Assignment;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The step after {@link PortalBootstrap} that makes `rebill demo` land in a full portal: when
 * {@code rebill.bootstrap.config} names an msp.yaml and the first MSP has just adopted the bootstrap source (it has
 * that integration, no managed accounts and no rules yet), each customer of the file becomes a managed account
 * (its contact from the file when that is in the MSP's email domain, else {@code admin+<id>@<msp domain>}), its
 * accounts are billed to it on the adopted integration from the source's first period, and the file's rules,
 * workflows and assignments are imported. A managed account's key is the portal's slug of its name; the demo's
 * customer ids are exactly those slugs ({@code Northwind Logistics} is {@code northwind-logistics}), so the demo's
 * msp.yaml, its data's customer tags and the portal's export use one id. A file whose id differs from its name's
 * slug still loads, under the slug, with a warning.
 */
@Component
class BillingBootstrap implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(BillingBootstrap.class);

    private final Accounts accounts;
    private final Users users;
    private final Integrations integrations;
    private final Ingestion ingestion;
    private final BillingRules billingRules;
    private final Environment environment;
    private final BillRuns billRuns;
    private final Invoices invoices;

    /** Takes {@link PortalBootstrap} only to run after it. */
    BillingBootstrap(PortalBootstrap first, Accounts accounts, Users users, Integrations integrations, Ingestion ingestion,
                     BillingRules billingRules, Environment environment, BillRuns billRuns, Invoices invoices) {
        this.billRuns = billRuns;
        this.invoices = invoices;
        this.accounts = accounts;
        this.users = users;
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.billingRules = billingRules;
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        String config = environment.getProperty("rebill.bootstrap.config", "");
        String source = environment.getProperty("rebill.bootstrap.source", "");
        if (config.isBlank() || source.isBlank()) {
            return;
        }
        Optional<Account> msp = accounts.mspByKey("msp");
        Optional<Integration> adopted = msp.flatMap(m -> integrations.of(m.id()).stream()
                .filter(i -> i.sourceName().equals(source)).findFirst());
        if (msp.isEmpty() || adopted.isEmpty() || accounts.countManaged(msp.get().id()) > 0) {
            return;
        }
        String email = environment.getProperty("rebill.admin.email", PortalBootstrap.DEFAULT_EMAIL).strip();
        Optional<User> admin = users.findByEmail(email);
        if (admin.isEmpty()) {
            return;
        }
        Actor setup = new Actor(admin.get().id(), admin.get().email(), admin.get().displayName(), msp.get(), Role.OWNER,
                msp.get(), Optional.empty());
        if (billingRules.rules(setup, PageRequest.first()).total() > 0) {
            return;
        }
        load(setup, msp.get(), adopted.get(), Path.of(config));
    }

    private void load(Actor setup, Account msp, Integration integration, Path file) {
        MspConfig config = MspConfigFile.parse(file, expression -> { });
        BillingPeriod first = ingestion.source(integration.sourceName()).periods().stream().map(StoredPeriod::period)
                .min(BillingPeriod::compareTo).orElse(billingRules.currentPeriod());
        String domain = msp.emailDomain().orElseThrow();
        Map<String, String> keys = new HashMap<>();
        List<Customer> customers = config.customers().stream().map(c -> {
            Account account = accounts.createManaged(msp.id(), c.name(), contact(c, domain), "setup");
            keys.put(c.id(), account.key());
            if (!account.key().equals(c.id())) {
                log.warn("{}: customer '{}' is managed account '{}' in the portal (the key the portal makes of its name"
                        + " '{}'); an export names it '{}'", file, c.id(), account.key(), c.name(), account.key());
            }
            for (String sub : c.accounts()) {
                integrations.assign(msp.id(), integration.id(), sub, Optional.of(account.id()), first, accounts, "setup");
            }
            return new Customer(account.key(), c.name(), c.contactEmail(), c.accounts(), c.match());
        }).toList();
        List<Assignment> assignments = config.assignments().stream()
                .map(a -> new Assignment(keys.get(a.customerId()), a.workflowId(), a.from())).toList();
        MspConfig renamed = new MspConfig(config.mspName(), config.currency(), customers, config.rules(),
                config.workflows(), assignments);
        ConfigImport imported = billingRules.importYaml(setup, MspConfigFile.toYaml(renamed), Optional.empty());
        log.info("Loaded {}: {} customers as managed accounts billed from {}, {} rules, {} workflows, {} assignments",
                file, customers.size(), first, imported.rules(), imported.workflows(), imported.assignments());
        billFirstPeriods(setup, msp, integration);
    }

    /**
     * The first bills, inside the application, so that the MSP sees margins and invoices when it signs in: every
     * stored period is billed; all but the latest are issued and closed (as an MSP would have done last month), the
     * latest stays in draft.
     */
    private void billFirstPeriods(Actor setup, Account msp, Integration integration) {
        List<BillingPeriod> periods = ingestion.source(integration.sourceName()).periods().stream()
                .map(StoredPeriod::period).sorted().toList();
        for (BillingPeriod period : periods) {
            BillRun run = billRuns.requestAutomatically(msp.id(), period, RunTrigger.SETUP, "setup").orElseThrow();
            BillRun done = billRuns.await(msp.id(), run.id(), java.time.Duration.ofMinutes(10));
            log.info("Billed {} in the application: {}{}", period, done.status().label(),
                    done.error().map(e -> " (" + e + ")").orElse(""));
            if (done.status() != io.rebill.invoicing.RunStatus.SUCCEEDED || period.equals(periods.getLast())) {
                continue;
            }
            invoices.list(setup, new InvoiceFilter(Optional.of(period), Optional.of(InvoiceStatus.DRAFT),
                    Optional.empty()), new PageRequest(0, Page.MAX_LIMIT)).items()
                    .forEach(i -> invoices.issue(setup, i.id()));
            invoices.close(setup, period);
        }
    }

    /** The file's contact when the portal can keep it (in the MSP's email domain), else an alias of the key. */
    private static String contact(Customer customer, String domain) {
        String email = customer.contactEmail();
        return email != null && email.toLowerCase(java.util.Locale.ROOT).endsWith("@" + domain.toLowerCase(java.util.Locale.ROOT))
                ? email : "admin+" + customer.id().replace('_', '-') + "@" + domain;
    }
}
