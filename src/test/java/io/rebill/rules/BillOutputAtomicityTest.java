package io.rebill.rules;

import io.rebill.Rebill;
import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * `rebill bill --out` is atomic (issue 14 item 4): a run killed while it writes leaves the previous output whole, a
 * re-run into the same folder replaces it whole, and the next start removes what the killed run left (its staging
 * folder beside the output and its spill folder under tmp/).
 */
class BillOutputAtomicityTest {
    @TempDir
    Path dir;

    @Test
    void aBillKilledWhileWritingLeavesThePreviousOutputWholeAndTheNextStartCleansUp() throws Exception {
        Path home = dir.resolve("home");
        RebillSettings settings = RebillSettings.at(home);
        // enough lines (40 customers) that writing their files takes a while: the kill lands mid-write
        GeneratedFiles files = new BillingDataGenerator().generate(new GeneratorSpec(7, 200_000, 80, 40,
                List.of(YearMonth.of(2024, 9)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID), dir.resolve("gen"),
                EnumSet.of(Format.CUR_PARQUET), settings);
        new Ingestion(settings).ingest("payer", files.of(Format.CUR_PARQUET).stream().map(g -> g.path()).toList(),
                ProgressListener.silent());
        Path config = Files.writeString(dir.resolve("msp.yaml"), config(files.accounts(), "100"));
        Path out = dir.resolve("out");

        Process first = rebill(home, "bill", "--config", config.toString(), "--period", "2024-09", "--out", out.toString(), "payer");
        assertThat(first.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(first.exitValue()).as(log(home)).isZero();
        Map<String, String> before = contents(out);
        List<String> customers = customers(files.accounts());
        assertThat(customers).hasSize(40);
        assertThat(before).containsKeys("summary.csv", "invoices/" + customers.getFirst() + ".csv",
                "line_items/" + customers.getFirst() + ".parquet", "line_items/" + customers.getLast() + ".parquet");

        // a second run with another fee, killed (SIGKILL) once it has begun writing the customers' files
        Files.writeString(config, config(files.accounts(), "999"));
        Process killed = rebill(home, "bill", "--config", config.toString(), "--period", "2024-09", "--out", out.toString(), "payer");
        // (or, were the bill written in place, once its summary has changed: the kill then shows the mix it leaves)
        while (!writingCustomerFiles(out) && before.get("summary.csv").equals(contents(out).get("summary.csv"))) {
            assertThat(killed.isAlive()).as("the run was still writing when it was to be killed: " + log(home)).isTrue();
            Thread.sleep(5);
        }
        killed.destroyForcibly().waitFor();
        assertThat(contents(out)).as("the previous output, file by file and byte by byte").isEqualTo(before);
        assertThat(beside(out, ".staging-")).as("what the killed run left beside the output").isNotEmpty();
        assertThat(spillFolders(home)).as("the killed run's spill folder").isNotEmpty();

        // the next start, later: what the killed run left is gone, and the new bill replaces the folder
        for (Path spill : spillFolders(home)) {
            Files.setLastModifiedTime(spill.resolve("owner.lock"), FileTime.from(Instant.now().minus(1, ChronoUnit.MINUTES)));
        }
        Process next = rebill(home, "bill", "--config", config.toString(), "--period", "2024-09", "--out", out.toString(), "payer");
        assertThat(next.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(next.exitValue()).as(log(home)).isZero();
        assertThat(beside(out, ".staging-")).isEmpty();
        assertThat(beside(out, ".replaced-")).isEmpty();
        assertThat(spillFolders(home)).isEmpty();
        assertThat(Files.readString(out.resolve("invoices/" + customers.getFirst() + ".csv"))).contains("Management fee,,,999.00,USD")
                .doesNotContain("Management fee,,,100.00,USD");
    }

    @Test
    void aReRunIntoTheSameFolderReplacesItWholeAndAForeignFolderIsRefused() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        GeneratedFiles files = new BillingDataGenerator().generate(new GeneratorSpec(3, 2_000, 6, 3,
                List.of(YearMonth.of(2024, 9)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID), dir.resolve("gen"),
                EnumSet.of(Format.CUR_PARQUET), settings);
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", files.of(Format.CUR_PARQUET).stream().map(g -> g.path()).toList(), ProgressListener.silent());
        List<Path> lines = ingestion.lineItemFiles("payer", GoldenBills.SEPT);
        Path out = dir.resolve("out");
        Billing billing = InvoiceAssembly.billing(settings, PredicateCompiler.cel());
        billing.bill(io.rebill.rules.config.MspConfigFile.parse(Files.writeString(dir.resolve("a.yaml"),
                config(files.accounts(), "10")), e -> { }), GoldenBills.SEPT, lines, Optional.of(out), m -> { });
        List<String> c = customers(files.accounts());
        assertThat(c).hasSize(3);
        assertThat(contents(out)).containsKeys("invoices/" + c.get(0) + ".csv", "invoices/" + c.get(1) + ".csv",
                "invoices/" + c.get(2) + ".csv", "line_items/" + c.get(2) + ".parquet");

        // the second configuration bills the first two customers only: nothing of the third may stay
        List<DemoAccount> fewer = files.accounts().stream().filter(a -> !a.customer().equals(c.get(2))).toList();
        billing.bill(io.rebill.rules.config.MspConfigFile.parse(Files.writeString(dir.resolve("b.yaml"),
                config(fewer, "10")), e -> { }), GoldenBills.SEPT, lines, Optional.of(out), m -> { });
        assertThat(contents(out).keySet()).containsExactlyInAnyOrder("summary.csv", "unassigned.csv", "reconciliation.csv",
                "invoices/" + c.get(0) + ".csv", "invoices/" + c.get(1) + ".csv", "line_items/" + c.get(0) + ".parquet",
                "line_items/" + c.get(1) + ".parquet");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".out.")).toList())
                .as("no staging, replaced or lock file beside the output").isEmpty();

        // a folder that holds anything but a bill is never replaced
        Path documents = Files.createDirectories(dir.resolve("documents"));
        Files.writeString(documents.resolve("thesis.txt"), "keep me");
        assertThatThrownBy(() -> billing.bill(io.rebill.rules.config.MspConfigFile.parse(dir.resolve("b.yaml"), e -> { }),
                GoldenBills.SEPT, lines, Optional.of(documents), m -> { }))
                .isInstanceOf(RebillException.class).hasMessageContaining("thesis.txt").hasMessageContaining(documents.toString());
        assertThat(Files.readString(documents.resolve("thesis.txt"))).isEqualTo("keep me");
    }

    static List<String> customers(List<DemoAccount> accounts) {
        return accounts.stream().map(DemoAccount::customer).distinct().sorted().toList();
    }

    /** The generated customers claim their generated accounts; each pays a fixed fee beside its usage. */
    static String config(List<DemoAccount> accounts, String fee) {
        Map<String, List<String>> byCustomer = accounts.stream().collect(Collectors.groupingBy(DemoAccount::customer,
                TreeMap::new, Collectors.mapping(DemoAccount::accountId, Collectors.toList())));
        StringBuilder yaml = new StringBuilder("msp:\n  name: Cloudy MSP\n  currency: USD\ncustomers:\n");
        byCustomer.forEach((customer, ids) -> yaml.append("  - id: ").append(customer).append("\n    name: ").append(customer)
                .append("\n    contact_email: billing@").append(customer).append(".example\n    accounts: [")
                .append(ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "))).append("]\n"));
        yaml.append("rules:\n  - id: fee\n    title: Management fee\n    kind: charge\n    amount: ").append(fee)
                .append("\n    frequency: monthly\n    invoice:\n      service: Management fee\n")
                .append("workflows:\n  - id: standard\n    title: Standard\n    rules: [fee]\nassignments:\n");
        byCustomer.keySet().forEach(c -> yaml.append("  - customer: ").append(c).append("\n    workflow: standard\n    from: 2024-01\n"));
        return yaml.toString();
    }

    /** `rebill` as a separate JVM, as a user starts it; its output goes to a log file under the data folder. */
    private static Process rebill(Path home, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Rebill.class.getName(), "--data-dir", home.toString()));
        command.addAll(List.of(args));
        Files.createDirectories(home);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("cli.log").toFile())).start();
    }

    private static String log(Path home) {
        try {
            return Files.readString(home.resolve("cli.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The staging folder beside the output holds a customer's FOCUS file, or a part of one. */
    private static boolean writingCustomerFiles(Path out) throws IOException {
        for (Path staging : beside(out, ".staging-")) {
            Path lineItems = staging.resolve("line_items");
            if (Files.isDirectory(lineItems)) {
                try (Stream<Path> s = Files.list(lineItems)) {
                    if (s.findAny().isPresent()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<Path> beside(Path out, String marker) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + marker)).toList();
        }
    }

    private static List<Path> spillFolders(Path home) throws IOException {
        Path tmp = home.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("duckdb-")).toList();
        }
    }

    /** Every file under the folder by relative path, with the SHA-256 of its bytes. */
    static Map<String, String> contents(Path folder) throws IOException, NoSuchAlgorithmException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(folder.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }
}
