package io.rebill.ingestion.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.rebill.ingestion.AzureBlobContainer;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads an Azure Cost Management export from Blob Storage with the Azure SDK. Cost Management writes each run of
 * an export to {@code PREFIX/EXPORT/YYYYMMDD-YYYYMMDD/RUN/part_*.csv} (with a manifest.json) and keeps the earlier
 * runs of the same dates beside it: each run restates the whole period, so only the latest run of each date range is
 * read (the one whose blobs were written last); blobs outside that layout are all read. A blob whose ETag matches the
 * copy already downloaded is not downloaded again.
 */
public final class AzureBlobFetch {
    private static final Logger log = LoggerFactory.getLogger(AzureBlobFetch.class);
    /** .../20241001-20241031/RUN-ID/part_0_0001.csv: the date range and the run. */
    private static final Pattern RUN = Pattern.compile("(.*/)?(\\d{8}-\\d{8})/([^/]+)/[^/]+");

    private AzureBlobFetch() {
    }

    /** The files to ingest, and how many objects (and bytes) this fetch downloaded rather than found unchanged. */
    public record Fetched(List<Path> files, int downloaded, long bytes) {
    }

    public static List<Path> fetch(AzureBlobContainer location, Path workDir) {
        return fetchCounting(location, workDir).files();
    }

    public static Fetched fetchCounting(AzureBlobContainer location, Path workDir) {
        BlobContainerClient client = client(location);
        List<BlobItem> blobs = new ArrayList<>();
        try {
            ListBlobsOptions options = new ListBlobsOptions().setPrefix(location.prefix().isEmpty() ? null : location.prefix());
            client.listBlobs(options, null).forEach(b -> {
                String name = b.getName();
                String file = name.substring(name.lastIndexOf('/') + 1);
                if (InputCollector.isBillingFileName(file) && !file.toLowerCase().endsWith("manifest.json")) {
                    blobs.add(b);
                }
            });
        } catch (HttpResponseException e) {
            throw refused(location, e);
        } catch (RuntimeException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, location.describe() + ": cannot list the container: "
                    + FileSniffer.firstLine(e.getMessage()), e);
        }
        List<BlobItem> latest = latestRuns(blobs);
        if (latest.isEmpty()) {
            throw new RebillException(ErrorCode.FILE_NOT_FOUND, location.describe() + ": no billing files (.csv, .csv.gz,"
                    + " .gz, .parquet) under this prefix; is the export's folder right?");
        }
        Path root = workDir.resolve("azure-blob").resolve(location.container());
        if (location.kind() == AzureBlobContainer.ExportKind.AMORTIZED) {
            // the reader tells the amortized dataset by its path (SourceFormat.isAmortized), whatever the prefix says
            root = root.resolve("amortized");
        }
        List<Path> files = new ArrayList<>();
        int downloaded = 0;
        long bytes = 0;
        for (BlobItem blob : latest) {
            Path file = root.resolve(blob.getName()).normalize();
            boolean fresh = download(client, location, blob, root);
            if (fresh) {
                downloaded++;
                Long length = blob.getProperties().getContentLength();
                bytes += length == null ? 0 : length;
            }
            files.add(file);
        }
        return new Fetched(files, downloaded, bytes);
    }

    /** Of blobs in Cost Management's run layout, only those of the latest run of each date range. */
    static List<BlobItem> latestRuns(List<BlobItem> blobs) {
        Map<String, Map<String, List<BlobItem>>> runs = new LinkedHashMap<>();
        List<BlobItem> chosen = new ArrayList<>();
        for (BlobItem b : blobs) {
            Matcher m = RUN.matcher(b.getName());
            if (m.matches()) {
                String range = (m.group(1) == null ? "" : m.group(1)) + m.group(2);
                runs.computeIfAbsent(range, k -> new LinkedHashMap<>()).computeIfAbsent(m.group(3), k -> new ArrayList<>()).add(b);
            } else {
                chosen.add(b);
            }
        }
        for (Map<String, List<BlobItem>> ofRange : runs.values()) {
            ofRange.values().stream().max(Comparator.comparing(AzureBlobFetch::lastWritten)).ifPresent(chosen::addAll);
        }
        chosen.sort(Comparator.comparing(BlobItem::getName));
        return chosen;
    }

    private static OffsetDateTime lastWritten(List<BlobItem> run) {
        return run.stream().map(b -> b.getProperties().getLastModified()).max(Comparator.naturalOrder()).orElseThrow();
    }

    /** Downloads the blob unless the copy beside it has the same ETag; true when it was downloaded. */
    private static boolean download(BlobContainerClient client, AzureBlobContainer location, BlobItem blob, Path root) {
        Path target = root.resolve(blob.getName()).normalize();
        if (!target.startsWith(root)) {
            throw new RebillException(ErrorCode.BAD_VALUE, location.describe() + ": blob name '" + blob.getName()
                    + "' leaves the download folder; refused");
        }
        Path etagFile = target.resolveSibling(target.getFileName() + ".etag");
        String etag = blob.getProperties().getETag();
        try {
            if (Files.exists(target) && Files.exists(etagFile) && Files.readString(etagFile).equals(etag)) {
                return false;
            }
            Files.createDirectories(target.getParent());
            Path part = target.resolveSibling(target.getFileName() + ".part");
            client.getBlobClient(blob.getName()).downloadToFile(part.toString(), true);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(etagFile, etag == null ? "" : etag, StandardCharsets.UTF_8);
            log.info("downloaded {} ({} bytes) from {}", blob.getName(), blob.getProperties().getContentLength(), location.describe());
            return true;
        } catch (HttpResponseException e) {
            throw refused(location, e);
        } catch (IOException | RuntimeException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, location.describe() + ": cannot download " + blob.getName()
                    + ": " + FileSniffer.firstLine(e.getMessage()), e);
        }
    }

    private static RebillException refused(AzureBlobContainer location, HttpResponseException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String why = switch (status) {
            case 403 -> "access refused (403): check the account key or the SAS token's read and list rights";
            case 404 -> "not found (404): check the account and the container name";
            default -> "Azure Blob Storage answered " + status;
        };
        return new RebillException(ErrorCode.FILE_UNREADABLE, location.describe() + ": " + why, e);
    }

    private static BlobContainerClient client(AzureBlobContainer location) {
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder()
                .endpoint(location.endpoint().toString().replaceAll("/+$", "") + "/" + location.container());
        switch (location.credential()) {
            case AzureBlobContainer.SharedKey k -> builder.credential(new StorageSharedKeyCredential(k.accountName(), k.accountKey()));
            case AzureBlobContainer.Sas s -> builder.sasToken(s.token());
        }
        return builder.buildClient();
    }
}
