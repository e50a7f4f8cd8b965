package io.rebill.cli;

import io.rebill.shared.secrets.SecretKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * The keys that seal stored secrets (docs/security.md, "Secrets at rest"). {@code rotate} appends a new key to the
 * key file; the server seals every stored secret again with it when it next starts, and the older keys stay in the
 * file so that a backup of the database taken before still opens.
 */
@Command(name = "secrets", description = {"The key file that seals stored secrets (SSO client secrets, integration"
        + " credentials): 'rebill secrets rotate' adds a new key; restart the server to seal every secret with it."},
        subcommands = {SecretsCommand.Rotate.class, SecretsCommand.Keys.class})
final class SecretsCommand {
    @ParentCommand
    RebillCommand parent;

    Path keyFile() {
        return SecretKeys.fileFor(parent.settings().home(), System.getenv());
    }

    @Command(name = "rotate", description = {"Append a new key to the key file; it seals every new secret, and the"
            + " server seals the stored ones again with it at its next start."})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        SecretsCommand secrets;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SecretKeys keys = SecretKeys.load(secrets.keyFile()).rotate(Clock.systemUTC());
            spec.commandLine().getOut().println("new key " + keys.current().id() + " added to " + keys.file()
                    + "; restart the server (rebill serve) to seal every stored secret with it");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "keys", description = {"List the key ids in the key file, the current one last."})
    static final class Keys implements Callable<Integer> {
        @ParentCommand
        SecretsCommand secrets;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SecretKeys keys = SecretKeys.load(secrets.keyFile());
            keys.ids().forEach(id -> spec.commandLine().getOut().println(id
                    + (id.equals(keys.current().id()) ? " (current)" : "")));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
