package io.rebill.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ./rebill's faster start (README, "What ./rebill does"): the extracted jar with its AOT cache prints what the jar
 * prints, and when the cache cannot be made or is damaged the command still runs, from the jar, without a word from
 * the JVM. It runs the real launcher on the jar `package` made (through REBILL_JAR, so that it does not build); a
 * first build's tests run before `package`, so there it is skipped.
 */
class LauncherTest {
    private static final Path JAR = Path.of("target", "rebill.jar").toAbsolutePath();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @Test
    void theFastPathPrintsWhatTheJarPrintsAndADamagedOrUnmadeCacheFallsBackToTheJar() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "target/rebill.jar is made by `package`, after a first build's tests");
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            assumeTrue(zip.getEntry("BOOT-INF/classes/io/rebill/cli/AotTrainingCommand.class") != null,
                    "target/rebill.jar was built before ./rebill trained a cache");
        }
        Path jar = Files.createSymbolicLink(dir.resolve("rebill.jar"), JAR);
        Path aot = dir.resolve("aot");

        // the cache cannot be made (no temporary folder for its training): the command runs from the jar
        Run unmade = launcher(Map.of("TMPDIR", dir.resolve("missing").toString()), "--version");
        assertThat(unmade.exit()).as(unmade.err()).isZero();
        assertThat(unmade.out()).isEqualTo("rebill 0.1.0\n");
        assertThat(unmade.err()).contains("could not be prepared");
        assertThat(build(aot).resolve("rebill.aot")).doesNotExist();
        Run notRetried = launcher(Map.of(), "--version");
        assertThat(notRetried.out()).isEqualTo("rebill 0.1.0\n");
        assertThat(notRetried.err()).as("the same build does not try again on every command").isEmpty();

        // made: the first command after a build records the cache, then runs from it
        io.rebill.shared.io.Trees.delete(aot);
        Run first = launcher(Map.of(), "--version");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("rebill 0.1.0\n");
        assertThat(build(aot).resolve("rebill.aot")).isNotEmptyFile();
        assertThat(build(aot).resolve("app").resolve("rebill.jar")).isRegularFile();
        Path classes = dir.resolve("classes.log");
        launcher(Map.of("REBILL_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info:file=" + classes), "--version");
        assertThat(Files.readString(classes)).as("the command's classes come from the cache")
                .containsPattern("io\\.rebill\\.cli\\.RebillCommand source: (shared objects file|AOT cache)");

        // a small bill, from the cache and from the jar: the same words and the same invoices
        Path home = dir.resolve("home");
        assertThat(launcher(Map.of(), "--data-dir", home.toString(), "demo", "--rows", "500", "--no-serve").exit()).isZero();
        Run fast = bill(home, "fast", true);
        Run slow = bill(home, "jar", false);
        assertThat(fast.exit()).as(fast.err()).isZero();
        assertThat(slow.exit()).as(slow.err()).isZero();
        assertThat(fast.out()).contains("reconciliation holds");
        assertThat(fast.out().replace("/out-fast", "/out")).isEqualTo(slow.out().replace("/out-jar", "/out"));
        assertThat(Files.readString(dir.resolve("out-fast").resolve("summary.csv")))
                .isEqualTo(Files.readString(dir.resolve("out-jar").resolve("summary.csv")));
        assertThat(fast.err()).doesNotContain("[aot").doesNotContain("[cds");
        // CEL's protobuf runtime uses sun.misc.Unsafe; JDK 24 and later warn about it on stderr (as the bare jar above
        // does) unless the JVM is told to allow it, as ./rebill does
        assertThat(fast.err()).doesNotContain("sun.misc.Unsafe");
        // DuckDB's library is loaded from the folder the launcher took it out to, not copied into the temp folder
        Path libraries = dir.resolve("libraries.log");
        // a copy a killed process left in the temp folder: the bill's first DuckDB use removes it on a thread of its
        // own and logs that, which while the main thread was still setting logging up made SLF4J print a warning
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path leftover = Files.writeString(tmp.resolve("libduckdb_java123.so"), "a copy");
        Files.setLastModifiedTime(leftover, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        Run logged = launcher(Map.of("REBILL_JAVA_OPTS", "-Xmx1g -Djava.io.tmpdir=" + tmp + " -Xlog:library=info:file=" + libraries), "--data-dir",
                home.toString(), "bill", "--config", home.resolve("demo").resolve("msp.yaml").toString(), "--period",
                "2026-10", "--out", dir.resolve("out-logged").toString(), DemoCommand.SOURCE);
        assertThat(logged.exit()).as(logged.err()).isZero();
        assertThat(leftover).doesNotExist();
        assertThat(logged.err()).doesNotContain("SLF4J");
        assertThat(Files.readString(libraries)).contains("Loaded library "
                + build(aot).resolve("app").resolve("native").resolve(System.mapLibraryName("duckdb_java")))
                .doesNotContainPattern("Loaded library .*/libduckdb_java[0-9]+[.]so");
        try (ZipFile driver = new ZipFile(build(aot).resolve("app").resolve("lib").resolve("duckdb_jdbc-2.0.0.1.jar").toFile())) {
            assertThat(driver.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith("libduckdb_java"))).isEmpty();
        }
        assertThat(launcher(Map.of(), "--help").out()).isEqualTo(java(jar, "--help").out());
        assertThat(launcher(Map.of(), "bill", "--help").out()).isEqualTo(java(jar, "bill", "--help").out());

        // a damaged cache: the JVM leaves it aside, quietly, and the bill is the same
        Files.writeString(build(aot).resolve("rebill.aot"), "not a cache");
        Run damaged = bill(home, "damaged", true);
        assertThat(damaged.exit()).as(damaged.err()).isZero();
        assertThat(damaged.out().replace("/out-damaged", "/out")).isEqualTo(slow.out().replace("/out-jar", "/out"));
        assertThat(damaged.err()).doesNotContain("[aot").doesNotContain("[cds");
    }

    @Test
    void aNewerBuildsCacheRemovesOnlyTheFoldersNoRunningCommandHolds() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "target/rebill.jar is made by `package`, after a first build's tests");
        // three builds as the launcher tells them apart: the jar's path, size and time (here three names of one jar)
        Path first = Files.createSymbolicLink(dir.resolve("rebill.jar"), JAR);
        Path second = Files.createSymbolicLink(dir.resolve("second.jar"), JAR);
        Path third = Files.createSymbolicLink(dir.resolve("third.jar"), JAR);
        Path aot = dir.resolve("aot");
        assertThat(launcher(Map.of("REBILL_JAR", first.toString()), "--version").out()).isEqualTo("rebill 0.1.0\n");
        Path held = build(aot);

        // a command of the first build that keeps running: a JVM suspended at its start until a debugger attaches
        List<String> cmd = List.of(Path.of("rebill").toAbsolutePath().toString(), "--version");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("running.log").toFile());
        pb.environment().put("REBILL_JAR", first.toString());
        pb.environment().remove("REBILL_AOT");
        pb.environment().put("REBILL_JAVA_OPTS", "-Xmx1g -agentlib:jdwp=transport=dt_socket,server=y,suspend=y,"
                + "address=127.0.0.1:0");
        Process running = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("running.log")).contains("Listening for transport")) {
                assertThat(running.isAlive()).as(Files.readString(dir.resolve("running.log"))).isTrue();
                assertThat(System.nanoTime()).as("the suspended command started").isLessThan(deadline);
                Thread.sleep(100);
            }
            // the second build's cache is made beside it, and leaves the running command's folder in place
            assertThat(launcher(Map.of("REBILL_JAR", second.toString()), "--version").out()).isEqualTo("rebill 0.1.0\n");
            assertThat(builds(aot)).hasSize(2).contains(held);
            assertThat(held.resolve("app").resolve("rebill.jar")).isRegularFile();
        } finally {
            running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // once it has stopped, the next build's cache removes both earlier folders
        assertThat(launcher(Map.of("REBILL_JAR", third.toString()), "--version").out()).isEqualTo("rebill 0.1.0\n");
        assertThat(builds(aot)).hasSize(1).doesNotContain(held);
        assertThat(launcher(Map.of("REBILL_JAR", third.toString()), "--version").err()).isEmpty();
    }

    /** The launcher's folder of the one build under {@code aot}. */
    private static Path build(Path aot) throws IOException {
        List<Path> builds = builds(aot);
        assertThat(builds).as("one build's folder under " + aot).hasSize(1);
        return builds.getFirst();
    }

    private static List<Path> builds(Path aot) throws IOException {
        try (var s = Files.list(aot)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    private Run bill(Path home, String name, boolean launcher) throws Exception {
        String[] args = {"--data-dir", home.toString(), "bill", "--config", home.resolve("demo").resolve("msp.yaml").toString(),
                "--period", "2026-10", "--out", dir.resolve("out-" + name).toString(), DemoCommand.SOURCE};
        return launcher ? launcher(Map.of(), args) : java(dir.resolve("rebill.jar"), args);
    }

    private Run launcher(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("rebill").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("REBILL_JAR", dir.resolve("rebill.jar").toString());
        pb.environment().remove("REBILL_AOT");
        pb.environment().putAll(env);
        return run(pb);
    }

    /** The jar as ./rebill ran it before its faster start. */
    private Run java(Path jar, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return run(new ProcessBuilder(cmd));
    }

    private Run run(ProcessBuilder pb) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + pb.command());
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
