package io.rebill.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM running Rebill from the same jar or classes as this one. */
final class BenchJvm {
    private BenchJvm() {
    }

    static List<String> command(List<String> jvmOptions, List<String> rebillArgs) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // launched as `java -jar rebill.jar`, the class path is the jar itself; from tests, the class path of classes
        String classPath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        cmd.addAll(jvmOptions);
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            cmd.addAll(List.of("-jar", classPath));
        } else {
            cmd.addAll(List.of("-cp", classPath, "io.rebill.Rebill"));
        }
        cmd.addAll(rebillArgs);
        return cmd;
    }
}
