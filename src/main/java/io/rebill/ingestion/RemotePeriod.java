package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;

import java.util.List;
import java.util.Objects;

/**
 * The data files one manifest names for a billing period: {@code version} is the manifest's assembly id (legacy
 * CUR) or execution id (Data Exports: CUR 2.0, FOCUS).
 */
public record RemotePeriod(BillingPeriod period, String version, List<RemoteObject> objects) {
    public RemotePeriod {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(version, "version");
        objects = List.copyOf(objects);
    }
}
