package io.rebill;

import io.rebill.cli.RebillCommand;

/** Entry point of the {@code rebill} launcher: every command, including {@code serve}, starts here. */
public final class Rebill {
    private Rebill() {
    }

    public static void main(String[] args) {
        System.exit(RebillCommand.execute(args));
    }
}
