package io.rebill.demo;

import io.rebill.shared.config.RebillSettings;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * A manual check, not a unit test: generates one period of N rows (default 10,000,000) in all formats and prints
 * the time, the bytes per format and the peak resident memory of the process. See docs/generator.md for how to run
 * it and the numbers measured.
 */
public final class GeneratorManualCheck {
    private GeneratorManualCheck() {
    }

    public static void main(String[] args) throws IOException {
        long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 10_000_000L;
        Path out = Path.of(args.length > 1 ? args[1] : "/tmp/rebill-demo-check");
        RebillSettings settings = RebillSettings.fromEnvironment(System.getenv()).withHome(out.resolve("home"));
        GeneratorSpec spec = new GeneratorSpec(42, rows, 200, 40, List.of(YearMonth.of(2024, 9)), "123456789012");
        long start = System.nanoTime();
        System.out.printf("generating %,d rows into %s (memory limit %s, %d threads)%n", rows, out,
                settings.memoryLimit(), settings.threads());
        GeneratedFiles files = new BillingDataGenerator().generate(spec, out, EnumSet.allOf(Format.class), settings,
                f -> System.out.printf("%7.1fs  %-13s %s  %,d rows  %,d bytes%n", seconds(start), f.format(),
                        f.path().getFileName(), f.rows(), size(f.path())));
        Map<Format, Long> bytes = new EnumMap<>(Format.class);
        files.files().forEach(f -> bytes.merge(f.format(), size(f.path()), Long::sum));
        System.out.printf("done in %.1f s wall, %.1f s CPU; bytes per format %s; peak RSS %s%n", seconds(start),
                ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                        .getProcessCpuTime() / 1e9, bytes, peakRss());
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return -1;
        }
    }

    /** VmHWM of /proc/self/status: the process's peak resident set, DuckDB's native memory included (Linux). */
    private static String peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "unknown (no /proc)";
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }
}
