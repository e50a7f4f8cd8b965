package io.rebill.ingestion.internal;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the paths a user gave into the billing files to read. A file given by name is always read. In a folder,
 * files ending .csv, .csv.gz, .gz or .parquet are read; where the folder holds CUR manifests
 * ({@code *-Manifest.json}), only the files their {@code reportKeys} list are read, because AWS leaves earlier
 * assemblies of a period beside the current one.
 */
final class InputCollector {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Collected(List<Path> files, List<String> skipped) {
    }

    private InputCollector() {
    }

    static Collected collect(List<Path> paths) {
        if (paths.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "no files given: name billing files or folders to ingest");
        }
        Set<Path> files = new LinkedHashSet<>();
        List<String> skipped = new ArrayList<>();
        for (Path given : paths) {
            Path path = given.toAbsolutePath().normalize();
            if (Files.isRegularFile(path)) {
                files.add(path);
            } else if (Files.isDirectory(path)) {
                collectFolder(path, files, skipped);
            } else {
                throw new RebillException(ErrorCode.FILE_NOT_FOUND, given + ": no such file or folder");
            }
        }
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.FILE_NOT_FOUND, "no billing files (.csv, .csv.gz, .gz, .parquet, .json, .jsonl) in "
                    + paths + (skipped.isEmpty() ? "" : "; left out: " + String.join(", ", skipped)));
        }
        return new Collected(List.copyOf(files), skipped);
    }

    private static void collectFolder(Path folder, Set<Path> files, List<String> skipped) {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(folder)) {
            all = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, folder + ": cannot list: " + e.getMessage());
        }
        List<Path> manifests = all.stream().filter(p -> p.getFileName().toString().endsWith("Manifest.json")).toList();
        Set<String> listed = new LinkedHashSet<>();
        for (Path manifest : manifests) {
            listed.addAll(reportKeys(manifest));
        }
        for (Path p : all) {
            String name = p.getFileName().toString();
            if (manifests.contains(p)) {
                continue;
            }
            if (!isBillingFileName(name)) {
                skipped.add(folder.relativize(p) + " (not a billing file)");
            } else if (!manifests.isEmpty() && listed.stream().noneMatch(key -> matchesKey(p, key))) {
                skipped.add(folder.relativize(p) + " (not listed in the folder's CUR manifest)");
            } else {
                files.add(p);
            }
        }
        for (String key : listed) {
            if (all.stream().noneMatch(p -> matchesKey(p, key))) {
                throw new RebillException(ErrorCode.FILE_NOT_FOUND, "the CUR manifest in " + folder
                        + " lists " + key + " but no such file is in the folder; copy the whole report folder");
            }
        }
    }

    /**
     * CSV (plain or gzip), Parquet, and JSON lines (.json, .jsonl: Google Cloud's BigQuery export); an export's own
     * manifest.json (Azure Cost Management writes one beside each run) is not a billing file.
     */
    static boolean isBillingFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith("manifest.json")) {
            return false;
        }
        return n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".gz") || n.endsWith(".parquet")
                || n.endsWith(".json") || n.endsWith(".jsonl");
    }

    private static boolean matchesKey(Path file, String key) {
        String normalized = file.toString().replace('\\', '/');
        String k = key.startsWith("/") ? key : "/" + key;
        if (normalized.endsWith(k)) {
            return true;
        }
        // S3 keys start with the report path prefix; a local copy often keeps only the last folders.
        String[] parts = k.split("/");
        String tail = parts.length >= 2 ? "/" + parts[parts.length - 2] + "/" + parts[parts.length - 1] : k;
        return normalized.endsWith(tail);
    }

    private static List<String> reportKeys(Path manifest) {
        try {
            JsonNode root = JSON.readTree(manifest.toFile());
            JsonNode keys = root.get("reportKeys");
            if (keys == null || !keys.isArray()) {
                throw new RebillException(ErrorCode.BAD_VALUE, manifest + ": field reportKeys: missing or not a list;"
                        + " is this a CUR manifest?");
            }
            List<String> result = new ArrayList<>();
            keys.forEach(k -> result.add(k.asString()));
            return result;
        } catch (RebillException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RebillException(ErrorCode.BAD_VALUE, manifest + ": not valid JSON: " + e.getMessage());
        }
    }
}
