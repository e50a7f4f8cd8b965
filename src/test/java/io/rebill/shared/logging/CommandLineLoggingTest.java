package io.rebill.shared.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/** A command's logging without logback.xml being parsed: warnings and errors on stderr, nothing else, as before. */
class CommandLineLoggingTest {
    @Test
    void logbackFindsItBeforeLookingForLogbackXml() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()))
                .contains(CommandLineLogging.class.getName());
    }

    @Test
    void aCommandWritesWarningsToStderrInLogbackXmlsPatternAndDropsInfo() {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            LoggerContext context = new LoggerContext();
            // what logback's service provider gives the process's context
            context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
            CommandLineLogging logging = new CommandLineLogging();
            logging.setContext(context);
            assertThat(logging.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            Logger log = context.getLogger("io.rebill.shared.duckdb.SpillFolders");
            log.info("an info line");
            log.warn("cannot remove {}", "/tmp/x");
            context.stop();
        } finally {
            System.setErr(before);
        }
        String written = err.toString(StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("an info line")
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d WARN  i\\.rebill\\.shared\\.duckdb\\.SpillFolders - cannot remove /tmp/x\\R");
    }

    @Test
    void theSameAsLogbackXml() throws Exception {
        String xml = new String(getClass().getResourceAsStream("/logback.xml").readAllBytes(), StandardCharsets.UTF_8);
        assertThat(xml).contains("<pattern>" + CommandLineLogging.PATTERN + "</pattern>")
                .contains("<target>System.err</target>").contains("<root level=\"WARN\">");
        LoggerContext context = new LoggerContext();
        CommandLineLogging logging = new CommandLineLogging();
        logging.setContext(context);
        logging.configure(context);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(((ConsoleAppender<?>) root.getAppender("STDERR")).getTarget()).isEqualTo("System.err");
    }

    @Test
    void aNamedConfigurationFileIsLeftToLogback() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/somewhere/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            CommandLineLogging logging = new CommandLineLogging();
            logging.setContext(context);
            assertThat(logging.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }
}
