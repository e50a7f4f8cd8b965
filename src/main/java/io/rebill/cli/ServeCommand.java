package io.rebill.cli;

import io.rebill.shared.errors.RebillException;
import io.rebill.web.RebillServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", description = "Start the web application (the MSP portal) and its database.")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--port", description = "HTTP port (default: server.port / $SERVER_PORT, else 8080).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every interface)."
                    + " Put a TLS proxy in front when others connect: see docs/security.md.")
    String bind;

    @Option(names = "--behind-proxy",
            description = "Trust X-Forwarded-For/-Proto from a proxy on this machine or a private network (TLS ends"
                    + " there): client addresses, Secure cookies and HSTS follow what the proxy says.")
    boolean behindProxy;

    @Option(names = "--bootstrap-source", hidden = true,
            description = "On the first start, make this ingested source the first MSP's integration (used by demo).")
    String bootstrapSource;

    @Option(names = "--bootstrap-config", hidden = true,
            description = "On the first start, load this msp.yaml's customers and rules into the first MSP (used by demo).")
    String bootstrapConfig;

    @Option(names = "--bootstrap-msp-name", hidden = true,
            description = "On the first start, the first MSP's name (used by demo, so that its msp.yaml agrees).")
    String bootstrapMspName;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> properties = properties();
        ConfigurableApplicationContext context;
        try {
            context = RebillServer.start(properties);
        } catch (RuntimeException e) {
            // Spring Boot has already logged why (port in use, database not reachable, ...).
            spec.commandLine().getErr().println("error: the server did not start: " + rootMessage(e));
            spec.commandLine().getErr().flush();
            return ExitCodes.INTERNAL;
        }
        // `rebill` exits when a command returns; serving ends when the context closes (Ctrl-C, SIGTERM).
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        if (context.isActive()) {
            closed.await();
        }
        return ExitCodes.OK;
    }

    /** The server's settings from the options (a test reads them without starting a server). */
    Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>();
        if (parent != null && parent.dataDir != null) {
            properties.put(RebillServer.HOME_PROPERTY, parent.settings().home().toString());
        }
        if (port != null) {
            properties.put("server.port", String.valueOf(port));
        }
        if (bootstrapSource != null) {
            properties.put("rebill.bootstrap.source", bootstrapSource);
        }
        if (bootstrapMspName != null) {
            properties.put("rebill.msp.name", bootstrapMspName);
        }
        if (bootstrapConfig != null) {
            properties.put("rebill.bootstrap.config", bootstrapConfig);
        }
        if (bind != null) {
            properties.put("server.address", bind);
        }
        if (behindProxy) {
            // Tomcat's RemoteIpValve: only requests from loopback and private addresses may set these headers
            properties.put("server.forward-headers-strategy", "native");
        }
        return properties;
    }

    /** Spring wraps the cause in bean-creation exceptions: say our own message if there is one, else the root's. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (!(t instanceof RebillException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
