package io.rebill.tenancy;

import io.rebill.ingestion.S3Credentials;
import io.rebill.ingestion.S3Export;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks an S3 integration's settings (the bucket, report and region as S3 names them; an access key or a role with
 * an external id; an endpoint only where the operator allows one). Kept apart from {@link IntegrationSetup}, as
 * {@link AzureBlobSetup} is, so that each kind's rules read on their own.
 */
final class S3Setup {
    private S3Setup() {
    }

    static IntegrationLocation.S3 location(IntegrationSetup.S3Settings s, boolean allowS3Endpoints) {
        Optional<String> endpoint = s.endpoint().filter(e -> !e.isBlank()).map(String::strip);
        if (endpoint.isPresent()) {
            if (!allowS3Endpoints) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "endpoint: this server reads S3 exports from AWS"
                        + " only; the operator allows other S3-compatible stores with rebill.integrations"
                        + ".allow-s3-endpoints=true");
            }
            URI uri;
            try {
                uri = URI.create(endpoint.get());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "endpoint '" + endpoint.get() + "' is not an"
                        + " http(s) URL");
            }
        }
        // S3Export checks the bucket, report name and region the way S3 names them
        S3Export checked = new S3Export(s.bucket(), s.prefix(), s.reportName(), s.region(), endpoint.map(URI::create),
                Optional.empty(), new S3Credentials.AccessKey("", ""));
        Optional<String> role = s.roleArn().filter(r -> !r.isBlank()).map(String::strip);
        Optional<String> keyId = s.accessKeyId().filter(k -> !k.isBlank()).map(String::strip);
        if (role.isPresent() == keyId.isPresent()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "give either access_key_id (with secret_access_key) or"
                    + " role_arn (with external_id), not " + (role.isPresent() ? "both" : "neither"));
        }
        if (role.isPresent()) {
            if (!role.get().matches("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}")) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "role_arn '" + role.get() + "' is not an IAM role"
                        + " ARN like arn:aws:iam::123456789012:role/rebill-billing-read");
            }
            String externalId = s.externalId().map(String::strip).filter(x -> x.matches("[\\w+=,.@:/-]{2,1224}"))
                    .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "external_id is required with"
                            + " role_arn (2 to 1224 letters, digits and + = , . @ : / -): the role's trust policy"
                            + " should require it"));
            return new IntegrationLocation.S3(checked.bucket(), checked.prefix(), checked.exportName(), checked.region(),
                    endpoint, Optional.empty(), role, Optional.of(externalId));
        }
        if (!keyId.get().matches("[A-Z0-9]{16,128}")) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "access_key_id '" + keyId.get() + "' is not an AWS"
                    + " access key id (like AKIAIOSFODNN7EXAMPLE)");
        }
        return new IntegrationLocation.S3(checked.bucket(), checked.prefix(), checked.exportName(), checked.region(),
                endpoint, keyId, Optional.empty(), Optional.empty());
    }

    static void credentials(UUID id, IntegrationLocation.S3 location, Optional<String> credential) {
        if (location.accessKeyId().isPresent() && credential.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "secret_access_key is required with access_key_id");
        }
    }

    static void requireProvider(String provider) {
        if (!List.of("aws", "focus").contains(provider)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "an S3 export is read for provider aws or focus, not "
                    + provider);
        }
    }
}
