package io.rebill.ingestion.internal;

import io.rebill.ingestion.RemoteExport.Manifest;
import io.rebill.ingestion.RemoteObject;
import io.rebill.ingestion.RemotePeriod;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where AWS puts the manifests of its billing exports and what they say, independent of the store they are read
 * from. Legacy CUR: {@code <base><yyyymmdd-yyyymmdd>/<report>-Manifest.json} is the period's current manifest and
 * {@code <base><yyyymmdd-yyyymmdd>/<assemblyId>/<report>-Manifest.json} each assembly's own; its {@code reportKeys}
 * are object keys and {@code assemblyId} the version (AWS CUR user guide, "Understanding report delivery"). Data
 * Exports (CUR 2.0, FOCUS): {@code <base>metadata/BILLING_PERIOD=YYYY-MM/[...]/<export>-Manifest.json}, whose
 * {@code dataFiles} are {@code s3://bucket/key} URIs and {@code executionId} the version (AWS Data Exports,
 * "Data Exports manifest file reference"). Of several manifests of a period, the newest wins: AWS leaves the earlier
 * assemblies and executions beside the current one.
 */
public final class ExportManifests {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LEGACY = Pattern.compile("^(\\d{4})(\\d{2})01-\\d{8}/(?:([^/]+)/)?[^/]*Manifest\\.json$");
    private static final Pattern DATA_EXPORT = Pattern.compile("^metadata/BILLING_PERIOD=(\\d{4}-\\d{2})/(?:.*/)?[^/]*Manifest\\.json$");

    /** A listed object: its key, ETag, size and when it was written. */
    public record Listed(String key, String etag, long size, Instant modified) {
    }

    private ExportManifests() {
    }

    /**
     * The newest manifest of each billing period among the objects listed under {@code base}, oldest period first.
     * A legacy CUR period's own manifest (beside the assembly folders) wins over the assemblies' ones, as AWS
     * rewrites it to the current assembly.
     */
    public static List<Manifest> newest(String base, List<Listed> listed) {
        Map<BillingPeriod, Listed> chosen = new TreeMap<>();
        Map<BillingPeriod, Boolean> top = new TreeMap<>();
        for (Listed l : listed) {
            if (!l.key().startsWith(base)) {
                continue;
            }
            String rest = l.key().substring(base.length());
            Matcher legacy = LEGACY.matcher(rest);
            Matcher data = DATA_EXPORT.matcher(rest);
            BillingPeriod period;
            boolean periodLevel;
            if (legacy.matches()) {
                period = new BillingPeriod(YearMonth.of(Integer.parseInt(legacy.group(1)), Integer.parseInt(legacy.group(2))));
                periodLevel = legacy.group(3) == null;
            } else if (data.matches()) {
                period = BillingPeriod.parse(data.group(1));
                periodLevel = false;
            } else {
                continue;
            }
            Listed current = chosen.get(period);
            boolean wins = current == null
                    || (periodLevel && !top.get(period))
                    || (periodLevel == top.get(period) && NEWEST.compare(l, current) > 0);
            if (wins) {
                chosen.put(period, l);
                top.put(period, periodLevel);
            }
        }
        List<Manifest> result = new ArrayList<>();
        chosen.forEach((period, l) -> result.add(new Manifest(period, l.key(), l.etag(), l.modified())));
        return result;
    }

    private static final Comparator<Listed> NEWEST = Comparator.comparing(Listed::modified).thenComparing(Listed::key);

    /**
     * The data files a manifest lists, each with its ETag and size from {@code objects} (the listing of the
     * export's folder). A file the manifest names that the store does not hold is an error naming both.
     */
    public static RemotePeriod read(String bucket, Manifest manifest, byte[] body, Map<String, Listed> objects) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (RuntimeException e) {
            throw new RebillException(ErrorCode.BAD_VALUE, manifest.key() + ": not valid JSON: "
                    + FileSniffer.firstLine(e.getMessage()));
        }
        List<String> keys = new ArrayList<>();
        String version;
        if (root.has("reportKeys")) {
            // keys as AWS writes them; some tools write them with a leading '/'
            root.get("reportKeys").forEach(k -> keys.add(k.asString().replaceFirst("^/+", "")));
            version = text(root, "assemblyId").orElse(manifest.etag());
        } else if (root.has("dataFiles")) {
            String prefix = "s3://" + bucket + "/";
            for (JsonNode f : root.get("dataFiles")) {
                String uri = f.asString();
                if (!uri.startsWith(prefix)) {
                    throw new RebillException(ErrorCode.BAD_VALUE, manifest.key() + ": field dataFiles: " + uri
                            + " is not in bucket " + bucket);
                }
                keys.add(uri.substring(prefix.length()));
            }
            version = text(root, "executionId").orElse(manifest.etag());
        } else {
            throw new RebillException(ErrorCode.BAD_VALUE, manifest.key() + ": has neither reportKeys (a CUR manifest)"
                    + " nor dataFiles (a Data Exports manifest)");
        }
        if (keys.isEmpty()) {
            throw new RebillException(ErrorCode.FILE_EMPTY, manifest.key() + ": lists no data files for "
                    + manifest.period());
        }
        List<RemoteObject> files = new ArrayList<>();
        for (String key : keys) {
            Listed l = objects.get(key);
            if (l == null) {
                throw new RebillException(ErrorCode.FILE_NOT_FOUND, manifest.key() + " lists " + key
                        + ", which is not in bucket " + bucket + " (is the export still being delivered?)");
            }
            files.add(new RemoteObject(key, l.etag(), l.size()));
        }
        return new RemotePeriod(manifest.period(), version, files);
    }

    private static Optional<String> text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() || n.asString().isBlank() ? Optional.empty() : Optional.of(n.asString());
    }
}
