package io.rebill.ingestion.internal;

import io.rebill.ingestion.RemoteExport;
import io.rebill.ingestion.RemoteObject;
import io.rebill.ingestion.RemotePeriod;
import io.rebill.ingestion.S3Credentials;
import io.rebill.ingestion.S3Export;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An S3 export read with the AWS SDK for Java v2: one listing of the export's folder (keys, ETags, sizes), the
 * manifests chosen by {@link ExportManifests}, and downloads pinned to the listed ETag ({@code If-Match}), so a file
 * AWS replaces mid-sync is refused rather than mixed with the rest of its period.
 */
public final class S3Session implements RemoteExport.Session {
    private final S3Export export;
    private final S3Client s3;
    private final AutoCloseable credentials;
    private Map<String, ExportManifests.Listed> listing;

    private S3Session(S3Export export, S3Client s3, AutoCloseable credentials) {
        this.export = export;
        this.s3 = s3;
        this.credentials = credentials;
    }

    public static S3Session open(S3Export export) {
        Region region = Region.of(export.region());
        AwsCredentialsProvider provider;
        AutoCloseable closeable = () -> { };
        switch (export.credentials()) {
            case S3Credentials.AccessKey key -> provider = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
            case S3Credentials.AssumedRole role -> {
                var sts = StsClient.builder().region(region)
                        .credentialsProvider(DefaultCredentialsProvider.builder().build());
                export.stsEndpoint().ifPresent(sts::endpointOverride);
                StsClient client = sts.build();
                // the external id is what the bucket owner's trust policy checks (the confused-deputy guard)
                provider = StsAssumeRoleCredentialsProvider.builder().stsClient(client)
                        .refreshRequest(AssumeRoleRequest.builder().roleArn(role.roleArn())
                                .externalId(role.externalId()).roleSessionName("rebill-sync").build())
                        .build();
                StsAssumeRoleCredentialsProvider assumed = (StsAssumeRoleCredentialsProvider) provider;
                closeable = () -> {
                    assumed.close();
                    client.close();
                };
            }
        }
        var builder = S3Client.builder().region(region).credentialsProvider(provider);
        export.endpoint().ifPresent(e -> builder.endpointOverride(e).forcePathStyle(true));
        return new S3Session(export, builder.build(), closeable);
    }

    @Override
    public List<RemoteExport.Manifest> manifests() {
        List<RemoteExport.Manifest> found = ExportManifests.newest(export.base(), List.copyOf(listing().values()));
        if (found.isEmpty()) {
            throw new RebillException(ErrorCode.FILE_NOT_FOUND, "no billing export manifest under " + export.describe()
                    + " (a CUR report's <report>/<yyyymmdd-yyyymmdd>/<report>-Manifest.json or a data export's"
                    + " <export>/metadata/BILLING_PERIOD=YYYY-MM/ manifest); check the bucket, prefix and report name");
        }
        return found;
    }

    @Override
    public RemotePeriod read(RemoteExport.Manifest manifest) {
        byte[] body = call(manifest.key(), () -> s3.getObjectAsBytes(GetObjectRequest.builder()
                .bucket(export.bucket()).key(manifest.key()).build()).asByteArray());
        return ExportManifests.read(export.bucket(), manifest, body, listing());
    }

    @Override
    public void download(RemoteObject object, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot create " + target.getParent() + ": "
                    + e.getMessage(), e);
        }
        call(object.key(), () -> s3.getObject(GetObjectRequest.builder().bucket(export.bucket()).key(object.key())
                .ifMatch(object.etag()).build(), ResponseTransformer.toFile(target)));
    }

    private Map<String, ExportManifests.Listed> listing() {
        if (listing == null) {
            Map<String, ExportManifests.Listed> all = new LinkedHashMap<>();
            call(export.base(), () -> {
                s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(export.bucket())
                        .prefix(export.base()).build()).contents().forEach(o -> all.put(o.key(),
                        new ExportManifests.Listed(o.key(), o.eTag(), o.size(), o.lastModified())));
                return null;
            });
            listing = all;
        }
        return listing;
    }

    /** Runs one S3 call; a refusal or an unreachable store becomes an error naming the bucket, key and reason. */
    private <T> T call(String key, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String why = switch (e.statusCode()) {
                case 403 -> "access denied (" + code + "); check the credentials and that they may read the bucket";
                case 404 -> "NoSuchBucket".equals(code) ? "the bucket does not exist" : "no such object";
                case 412 -> "the object changed while it was read; the next sync reads the new version";
                default -> code + " (HTTP " + e.statusCode() + ")";
            };
            throw new RebillException(e.statusCode() == 403 ? ErrorCode.FILE_UNREADABLE : ErrorCode.FILE_NOT_FOUND,
                    "s3://" + export.bucket() + "/" + key + ": " + why);
        } catch (SdkClientException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, "s3://" + export.bucket() + "/" + key
                    + ": cannot reach S3: " + FileSniffer.firstLine(e.getMessage()));
        } catch (SdkException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, "s3://" + export.bucket() + "/" + key + ": "
                    + FileSniffer.firstLine(e.getMessage()));
        }
    }

    @Override
    public void close() {
        s3.close();
        try {
            credentials.close();
        } catch (Exception ignored) {
            // nothing held beyond the clients
        }
    }
}
