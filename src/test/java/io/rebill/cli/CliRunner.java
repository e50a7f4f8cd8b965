package io.rebill.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs `rebill` commands against one data folder and captures what a user would see. */
final class CliRunner {
    record Run(int exit, String out, String err) {
    }

    private final Path home;

    CliRunner(Path home) {
        this.home = home;
    }

    Run rebill(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int exit = RebillCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(exit, out.toString(), err.toString());
    }
}
