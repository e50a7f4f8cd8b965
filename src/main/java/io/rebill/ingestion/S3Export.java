package io.rebill.ingestion;

import io.rebill.ingestion.internal.S3Session;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * An AWS billing export in S3: the legacy Cost and Usage Report ({@code <prefix>/<report>/<yyyymmdd-yyyymmdd>/
 * <report>-Manifest.json}) or a Data Export, CUR 2.0 or FOCUS ({@code <prefix>/<export>/metadata/BILLING_PERIOD=
 * YYYY-MM/...Manifest.json}); which one is told by where the manifests are. {@code endpoint} points at an
 * S3-compatible store instead of AWS (path-style requests), {@code stsEndpoint} at another STS.
 */
public record S3Export(String bucket, String prefix, String exportName, String region, Optional<URI> endpoint,
                       Optional<URI> stsEndpoint, S3Credentials credentials) implements RemoteExport {
    public S3Export {
        bucket = required(bucket, "bucket");
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "bucket '" + bucket + "' is not an S3 bucket name"
                    + " (3 to 63 lower-case letters, digits, dots and hyphens)");
        }
        prefix = prefix == null ? "" : prefix.strip().replaceAll("^/+|/+$", "");
        exportName = required(exportName, "report_name");
        if (exportName.contains("/")) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "report_name '" + exportName + "' must not contain '/';"
                    + " put the folders before it in prefix");
        }
        region = region == null || region.isBlank() ? "us-east-1" : region.strip();
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "region '" + region + "' is not an AWS region like"
                    + " us-east-1");
        }
        endpoint = endpoint == null ? Optional.empty() : endpoint;
        stsEndpoint = stsEndpoint == null ? Optional.empty() : stsEndpoint;
        Objects.requireNonNull(credentials, "credentials");
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " is required for an S3 export");
        }
        return value.strip();
    }

    /** The folder of the export in the bucket, ending in '/'. */
    public String base() {
        return (prefix.isEmpty() ? "" : prefix + "/") + exportName + "/";
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + base();
    }

    @Override
    public Session connect() {
        return S3Session.open(this);
    }
}
