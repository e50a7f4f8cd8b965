package io.rebill.cli;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.ingestion.IngestResult;
import io.rebill.ingestion.Ingestion;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.Assignment;
import io.rebill.rules.BillResult;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The README's first command: generates two months of an MSP's billing data, ingests it as source demo-payer, writes
 * a demo msp.yaml, bills the last month and starts the web application.
 */
@Command(name = "demo", description = "Generate demo MSP billing data, ingest and bill it, then start the web application.")
final class DemoCommand implements Callable<Integer> {
    static final String SOURCE = "demo-payer";
    static final List<YearMonth> PERIODS = List.of(YearMonth.of(2026, 9), YearMonth.of(2026, 10));

    @ParentCommand
    RebillCommand parent;

    @Option(names = "--rows", defaultValue = "200000", description = "Line items per month (default 200000).")
    long rows;

    @Option(names = "--no-serve", description = "Prepare the demo data and bill, without starting the web application.")
    boolean noServe;

    @Option(names = "--port", description = "HTTP port (default 8080).")
    Integer port;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RebillSettings settings = parent.settings();
        Path demo = settings.home().resolve("demo");
        GeneratorSpec generatorSpec = new GeneratorSpec(42, rows, 40, 12, PERIODS, GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID);
        say(out, "generating " + rows + " line items per month for " + PERIODS + " under " + demo.resolve("files"));
        GeneratedFiles files = new BillingDataGenerator().generate(generatorSpec, demo.resolve("files"),
                EnumSet.of(Format.CUR_CSV_GZ), settings);
        IngestResult ingested = new Ingestion(settings).ingest(SOURCE, files.paths(), p -> { });
        say(out, String.format("source %s: %,d lines in %s (%s)", SOURCE, ingested.rows(), ingested.periods(),
                ingested.unchanged() ? "unchanged" : "ingested and reconciled"));
        PortalIdentity portal = PortalIdentity.from(System.getenv());
        MspConfig config = config(files.accounts(), portal);
        Path yaml = demo.resolve("msp.yaml");
        Files.writeString(yaml, "# Demo billing configuration written by `rebill demo`; edit it and run `rebill bill`.\n"
                + MspConfigFile.toYaml(config));
        BillingPeriod last = new BillingPeriod(PERIODS.get(PERIODS.size() - 1));
        Path bill = demo.resolve("bill-" + last);
        BillResult result = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).bill(config, last,
                new Ingestion(settings).lineItemFiles(SOURCE, last), Optional.of(bill), m -> { });
        say(out, String.format("billed %s for %d customers: invoices total %s, reconciliation %s; files in %s", last,
                result.customers().size(), io.rebill.shared.money.DisplayAmounts.display(result.customers().stream()
                        .map(c -> c.invoiceTotal()).reduce(BigDecimal.ZERO, BigDecimal::add), config.currency()),
                result.reconciles() ? "holds" : "FAILS", bill));
        say(out, "try: ./rebill costs --source " + SOURCE + " --period " + last + " --group-by service_name");
        say(out, "     ./rebill bill --config " + yaml + " --period " + last + " --out /tmp/bill " + SOURCE);
        if (noServe) {
            return ExitCodes.OK;
        }
        List<String> args = new ArrayList<>(List.of("--data-dir", settings.home().toString(), "serve",
                "--bootstrap-source", SOURCE, "--bootstrap-config", yaml.toString(), "--bootstrap-msp-name",
                portal.mspName()));
        if (port != null) {
            args.add("--port");
            args.add(String.valueOf(port));
        }
        return RebillCommand.execute(out, spec.commandLine().getErr(), args.toArray(String[]::new));
    }

    /**
     * The MSP as the portal will create it on its first start (the same settings {@code serve} reads): its name,
     * which the demo msp.yaml carries too, and the email domain of its first Owner, in which customer contacts live.
     */
    record PortalIdentity(String mspName, String emailDomain) {
        static final String DEFAULT_MSP_NAME = "Demo Cloud Services";

        static PortalIdentity from(Map<String, String> env) {
            String name = env.getOrDefault("REBILL_MSP_NAME", "").strip();
            String email = env.getOrDefault("REBILL_ADMIN_EMAIL", "").strip();
            return new PortalIdentity(name.isEmpty() ? DEFAULT_MSP_NAME : name,
                    email.contains("@") ? email.substring(email.indexOf('@') + 1) : "msp.example");
        }
    }

    private static void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    /**
     * One customer per generated customer, owning its accounts, in the generator's order. The id is the generator's
     * (its customer tag, and the key the portal gives an account of that name), the name its company name, the
     * contact an alias in the MSP's email domain (the portal keeps customer contacts there).
     */
    static List<Customer> customers(List<DemoAccount> accounts, String emailDomain) {
        Map<String, List<String>> byCustomer = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        accounts.forEach(a -> {
            byCustomer.computeIfAbsent(a.customer(), k -> new ArrayList<>()).add(a.accountId());
            names.putIfAbsent(a.customer(), a.customerName());
        });
        if (byCustomer.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "the generator reported no accounts");
        }
        List<Customer> customers = new ArrayList<>();
        // accounts in the order the portal exports them, so that the file and an export read the same
        byCustomer.forEach((id, accs) -> customers.add(new Customer(id, names.get(id), "billing+" + id + "@" + emailDomain,
                accs.stream().sorted().toList(), Optional.empty())));
        return customers;
    }

    /** The demo customers on the seed's first workflow plus a management fee. */
    static MspConfig config(List<DemoAccount> accounts, PortalIdentity portal) {
        List<Customer> customers = customers(accounts, portal.emailDomain());
        BillingPeriod from = new BillingPeriod(PERIODS.get(0));
        List<Assignment> assignments = customers.stream().map(c -> new Assignment(c.id(), "standard", from)).toList();
        String payer = GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID;
        List<Rule> rules = List.of(
                new Rule.ReplaceRiDiscount("replace-ri", "RIs bought by the payer at public on-demand", Scope.EVERYTHING, List.of(payer)),
                new Rule.ReplaceSpDiscount("replace-sp", "Savings Plans bought by the payer at public on-demand", Scope.EVERYTHING,
                        List.of(payer)),
                new Rule.Exclusion("remove-edp", "EDP discount kept by the MSP", new Scope(List.of(), List.of(),
                        List.of("EdpDiscount", "PrivateRateDiscount"), List.of(), List.of(), Optional.empty(), Optional.empty(),
                        Optional.empty())),
                new Rule.Uplift("uplift", "Uplift 3 %", Scope.EVERYTHING, new BigDecimal("3")),
                new Rule.Charge("management-fee", "Management fee", Scope.EVERYTHING,
                        new Rule.Amount.PercentOfSubtotal(new BigDecimal("2.5"), Optional.of(new BigDecimal("250"))),
                        Rule.Frequency.MONTHLY, new Rule.InvoiceLabel("Managed services", Optional.of("MSP Fee"), Optional.empty())));
        return new MspConfig(portal.mspName(), "USD", customers, rules,
                List.of(new Workflow("standard", "RI/SP at on-demand, no EDP, 3 % uplift, management fee", Workflow.Basis.EFFECTIVE,
                        rules.stream().map(Rule::id).toList())), assignments);
    }
}
