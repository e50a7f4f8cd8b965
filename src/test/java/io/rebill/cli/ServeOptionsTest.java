package io.rebill.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** rebill serve listens on loopback unless --bind says otherwise; --behind-proxy trusts the proxy's headers. */
class ServeOptionsTest {
    @Test
    void withoutBindTheApplicationsDefaultLoopbackApplies() throws IOException {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs();
        assertThat(serve.properties()).doesNotContainKeys("server.address", "server.forward-headers-strategy");
        Properties defaults = new Properties();
        try (InputStream in = ServeCommand.class.getResourceAsStream("/application.properties")) {
            defaults.load(in);
        }
        assertThat(defaults.getProperty("server.address")).isEqualTo("127.0.0.1");
    }

    @Test
    void bindAndBehindProxyBecomeTheServersSettings() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--bind", "0.0.0.0", "--behind-proxy", "--port", "9090");
        assertThat(serve.properties()).containsEntry("server.address", "0.0.0.0")
                .containsEntry("server.forward-headers-strategy", "native").containsEntry("server.port", "9090");
    }
}
