package io.rebill.invoicing;

import java.util.Locale;

/** What started a bill run: a person (button or API), new data of an integration, a configuration change, setup. */
public enum RunTrigger {
    MANUAL, INGEST, CONFIGURATION, SETUP;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunTrigger fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Automatic runs wait a moment so that a burst of changes is billed once. */
    public boolean automatic() {
        return switch (this) {
            case MANUAL, SETUP -> false;
            case INGEST, CONFIGURATION -> true;
        };
    }
}
