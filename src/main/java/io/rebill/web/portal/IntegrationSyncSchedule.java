package io.rebill.web.portal;

import io.rebill.invoicing.BillRuns;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.IntegrationSetup;
import io.rebill.tenancy.Integrations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Syncs every S3 integration whose next sync is due (each every 6 hours unless set otherwise), one at a time, on
 * one background thread that looks every minute. A failed sync leaves the integration in status Error with the
 * reason, and it is tried again at its next time.
 */
final class IntegrationSyncSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IntegrationSyncSchedule.class);

    private final IntegrationSetup setup;
    private final Integrations integrations;
    private final BillRuns billRuns;
    private final ScheduledExecutorService timer;

    IntegrationSyncSchedule(IntegrationSetup setup, Integrations integrations, BillRuns billRuns, boolean enabled,
                            int everySeconds) {
        this.setup = setup;
        this.integrations = integrations;
        this.billRuns = billRuns;
        if (enabled) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "integration-sync");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::runDue, everySeconds, everySeconds, TimeUnit.SECONDS);
        } else {
            timer = null;
        }
    }

    /** Syncs each due integration; returns how many were synced (also called by tests, with the timer off). */
    int runDue() {
        int done = 0;
        try {
            for (IntegrationSetup.Due due : setup.due()) {
                try {
                    var result = setup.sync(due.account(), due.integration());
                    if (result.changedAnything()) {
                        billRuns.ingested(due.account(), result.ingested(),
                                integrations.find(due.account(), due.integration()).name());
                    }
                    done++;
                } catch (RebillException e) {
                    log.info("scheduled sync of integration {} failed: {}", due.integration(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            log.warn("scheduled integration syncs stopped this round: {}", e.getMessage(), e);
        }
        return done;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
