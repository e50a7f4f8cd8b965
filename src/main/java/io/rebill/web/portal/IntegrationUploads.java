package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.ingestion.SyncResult;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.IntegrationSetup;
import io.rebill.tenancy.Integrations;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Billing files uploaded to an integration of kind uploads, as the raw request body ({@code ?file_name=cur.csv.gz})
 * or as the {@code file} part of a multipart form. The body is streamed to a file of its own under the data folder's
 * tmp/, never held in memory, and refused with 413 past the operator's limit ({@code rebill.uploads.max-size},
 * default 1GB) with nothing stored; then it is ingested atomically like any other file.
 */
@RestController
@RequestMapping("/api/v1")
class IntegrationUploads {
    private final Integrations integrations;
    private final IntegrationSetup setup;
    private final IntegrationsApi api;
    private final DataSize limit;

    IntegrationUploads(Integrations integrations, IntegrationSetup setup, IntegrationsApi api,
                       @Value("${rebill.uploads.max-size:1GB}") DataSize limit) {
        this.integrations = integrations;
        this.setup = setup;
        this.api = api;
        this.limit = limit;
    }

    DataSize limit() {
        return limit;
    }

    /** Thrown when an upload passes the limit; answered with 413. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    @PostMapping(path = "/integrations/{id}/uploads", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<IntegrationsApi.IntegrationJson> multipart(Actor actor, @PathVariable UUID id,
                                                              @RequestPart("file") MultipartFile file) throws IOException {
        try (InputStream in = file.getInputStream()) {
            return store(actor, id, file.getOriginalFilename(), file.getSize(), in);
        }
    }

    @PostMapping(path = "/integrations/{id}/uploads")
    ResponseEntity<IntegrationsApi.IntegrationJson> raw(Actor actor, @PathVariable UUID id,
                                                        @RequestParam(name = "file_name") String fileName,
                                                        HttpServletRequest request) throws IOException {
        return store(actor, id, fileName, request.getContentLengthLong(), request.getInputStream());
    }

    ResponseEntity<IntegrationsApi.IntegrationJson> store(Actor actor, UUID id, String fileName, long declared,
                                                          InputStream body) throws IOException {
        actor.require(IntegrationsApi.managePermission(actor));
        Integration integration = integrations.find(actor.account().id(), id);
        String name = fileName(fileName);
        if (declared > limit.toBytes()) {
            throw new TooLarge();
        }
        Path folder = setup.uploadFolder();
        Path file = folder.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            copy(body, out, limit.toBytes());
        } catch (TooLarge | IOException e) {
            io.rebill.shared.io.Trees.delete(folder);
            throw e;
        }
        SyncResult result;
        try {
            result = setup.upload(actor.account().id(), id, file);
        } catch (RebillException e) {
            api.audit().record(actor, "integration.ingest_failed", id.toString(),
                    java.util.Map.of("error", io.rebill.web.ServerPaths.withoutFolders(e.getMessage()), "file", name));
            throw e;
        }
        api.ingested(actor, integration, result);
        return ResponseEntity.ok(api.json(integrations.find(actor.account().id(), id), false));
    }

    private static void copy(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
            if (total > max) {
                throw new TooLarge();
            }
            out.write(buffer, 0, n);
        }
    }

    /** The file's own name (no folders), with an extension the ingest reads; anything else is refused by name. */
    static String fileName(String given) {
        String base = given == null ? "" : given.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).strip();
        String lower = base.toLowerCase(Locale.ROOT);
        if (!(lower.endsWith(".csv") || lower.endsWith(".csv.gz") || lower.endsWith(".gz")
                || lower.endsWith(".parquet")) || !base.matches("[\\w .()+,=-]{1,200}") || base.startsWith(".")) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "file_name '" + base + "' is not a billing file name:"
                    + " letters, digits and . _ - ending in .csv, .csv.gz, .gz or .parquet");
        }
        return base;
    }

    @ExceptionHandler({TooLarge.class, MaxUploadSizeExceededException.class})
    ResponseEntity<ProblemDetail> tooLarge(HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLargeDetail(limit));
        problem.setTitle(HttpStatus.CONTENT_TOO_LARGE.getReasonPhrase());
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", ErrorCode.BAD_REQUEST.name());
        problem.setProperty("limit_bytes", limit.toBytes());
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header("Connection", "close").body(problem);
    }

    static String tooLargeDetail(DataSize limit) {
        return "the file is larger than this server's upload limit of " + human(limit) + " (" + limit.toBytes()
                + " bytes, set by the operator with rebill.uploads.max-size); nothing was stored. Split the export"
                + " by billing period, or ask the operator to raise the limit";
    }

    static String human(DataSize size) {
        long b = size.toBytes();
        if (b % (1L << 30) == 0) {
            return (b >> 30) + " GiB";
        }
        if (b % (1L << 20) == 0) {
            return (b >> 20) + " MiB";
        }
        return b + " bytes";
    }
}
