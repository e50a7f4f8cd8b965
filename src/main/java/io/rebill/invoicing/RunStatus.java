package io.rebill.invoicing;

import java.util.Locale;

/** Where a bill run is: waiting for the MSP's previous run, billing, done, or failed (the previous results stay). */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean finished() {
        return switch (this) {
            case QUEUED, RUNNING -> false;
            case SUCCEEDED, FAILED -> true;
        };
    }

    public String label() {
        return switch (this) {
            case QUEUED -> "Queued";
            case RUNNING -> "Running";
            case SUCCEEDED -> "Succeeded";
            case FAILED -> "Failed";
        };
    }
}
