package io.rebill.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bench step starts as the bench itself started: with ./rebill's AOT cache when it has one, quietly (protobuf's
 * use of sun.misc.Unsafe too), and with the folder ./rebill took DuckDB's library out to (the driver's jar on the shared class path no longer has it).
 */
class BenchJvmTest {
    @Test
    void aChildGetsTheCacheAndItsQuietSwitchesButNotTheTrainingRunsOutput() {
        assertThat(BenchJvm.startOptions(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-XX:AOTCache=/r/target/aot/rebill.aot", "-Xlog:aot*=off,cds*=off",
                "-Djava.library.path=/r/target/aot/1/app/native", "--sun-misc-unsafe-memory-access=allow")))
                .containsExactly("-XX:AOTCache=/r/target/aot/rebill.aot", "-Xlog:aot*=off,cds*=off",
                        "-Djava.library.path=/r/target/aot/1/app/native", "--sun-misc-unsafe-memory-access=allow");
        assertThat(BenchJvm.startOptions(List.of("-Xmx1g", "-XX:AOTCacheOutput=/r/target/aot/rebill.aot"))).isEmpty();
    }

    @Test
    void fromTheFatJarOrTheTestsNothingIsAdded() {
        assertThat(BenchJvm.command(List.of("-Dx=1"), List.of("bench-step")))
                .doesNotContain("-XX:AOTCache").contains("-Dx=1", "io.rebill.Rebill", "bench-step");
    }
}
