package io.rebill.web.billing;

import io.rebill.web.PortalClient;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static io.rebill.web.ApiSteps.ok;
import static io.rebill.web.billing.BillingFlowTest.sleep;

/** Waiting for bill runs through the API, as a client of the Billing page would. */
final class RunSteps {
    private RunSteps() {
    }

    /** Until no run of the period is queued or running; a failed run fails the test when {@code failedIsError}. */
    static void awaitIdle(PortalClient owner, String period, boolean failedIsError) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode runs = ok(owner.get("/api/v1/bill_runs?period=" + period)).path("items");
            for (JsonNode r : runs) {
                if (failedIsError && r.path("status").asString().equals("failed")) {
                    throw new AssertionError("a run failed: " + r);
                }
            }
            List<String> statuses = runs.findValuesAsString("status");
            if (statuses.stream().noneMatch(s -> s.equals("queued") || s.equals("running"))) {
                return;
            }
            sleep();
        }
        throw new AssertionError("runs of " + period + " still busy after 60 s");
    }

    /** Until the run has succeeded or failed; returns it. */
    static JsonNode awaitFinished(PortalClient owner, String run) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode r = ok(owner.get("/api/v1/bill_runs/" + run));
            String status = r.path("status").asString();
            if (status.equals("succeeded") || status.equals("failed")) {
                return r;
            }
            sleep();
        }
        throw new AssertionError("run " + run + " still busy after 60 s");
    }
}
