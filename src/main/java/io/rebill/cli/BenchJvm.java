package io.rebill.cli;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM running Rebill from the same jar or classes as this one. */
final class BenchJvm {
    private BenchJvm() {
    }

    static List<String> command(List<String> jvmOptions, List<String> rebillArgs) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // launched as `java -jar rebill.jar`, the class path is the jar itself (the fat jar, or the thin jar that
        // ./rebill extracts it to); from tests, the class path of classes
        String classPath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        cmd.addAll(startOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.addAll(jvmOptions);
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            cmd.addAll(List.of("-jar", classPath));
        } else {
            cmd.addAll(List.of("-cp", classPath, "io.rebill.Rebill"));
        }
        cmd.addAll(rebillArgs);
        return cmd;
    }

    /**
     * This JVM's AOT cache, the switches that keep its messages quiet (the AOT cache's, protobuf's use of
     * sun.misc.Unsafe) and where DuckDB's library is (./rebill passes them, README): every child step gets the same,
     * the bill's and the hand-written query's alike, so that they compare on the same footing. The cache belongs to
     * the class path it was made with, which the child shares; so does the DuckDB driver's jar, which ./rebill took
     * the library out of (a child without the library's folder cannot load DuckDB at all).
     */
    static List<String> startOptions(List<String> parentArguments) {
        return parentArguments.stream()
                .filter(a -> a.startsWith("-XX:AOTCache=") || a.startsWith("-Xlog:aot") || a.startsWith("-Xlog:cds")
                        || a.startsWith("-Djava.library.path=") || a.startsWith("--sun-misc-unsafe-memory-access="))
                .toList();
    }
}
