import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Run by the launcher (./rebill) on the application it has just extracted, once per build: takes DuckDB's native
 * library for this machine out of the DuckDB driver's jar into {@code <app>/native}, and removes every platform's
 * library from that jar. The driver copies its library out of its jar into the temp folder at every start when the
 * jar has it (72 MB: 0.2-0.3 s of every command, and a copy left in the temp folder by every process killed before it
 * could delete it); without it in the jar, the driver loads the library from {@code java.library.path}, which the
 * launcher points at {@code <app>/native}. Usage: {@code java DuckDbNative.java <app folder>}. Exits non-zero,
 * changing nothing, when this machine's library is not in the jar (the driver then loads it its own way).
 */
public class DuckDbNative {
    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]);
        List<Path> jars;
        try (Stream<Path> lib = Files.list(app.resolve("lib"))) {
            jars = lib.filter(p -> p.getFileName().toString().matches("duckdb_jdbc-.*[.]jar")).toList();
        }
        if (jars.size() != 1) {
            throw new IllegalStateException("expected one DuckDB driver jar in " + app.resolve("lib") + ", found " + jars);
        }
        // the driver's own name for this machine's library (org.duckdb.DuckDBNative): libduckdb_java.so_<os>_<arch>
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        os = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.startsWith("windows") ? "windows" : os;
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        arch = arch.equals("x86_64") || arch.equals("amd64") ? "amd64" : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : arch;
        String entry = "libduckdb_java.so_" + os + "_" + arch;
        Path target = app.resolve("native").resolve(System.mapLibraryName("duckdb_java"));
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jars.getFirst().toUri()), Map.of())) {
            Path library = zip.getPath("/" + entry);
            if (!Files.exists(library)) {
                throw new IllegalStateException(jars.getFirst() + " has no " + entry);
            }
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.copy(library, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (Stream<Path> top = Files.list(zip.getPath("/"))) {
                for (Path p : top.filter(p -> p.getFileName().toString().startsWith("libduckdb_java.so_")).toList()) {
                    Files.delete(p);
                }
            }
        }
        System.out.println("DuckDB's library for " + os + "/" + arch + " is " + target);
    }
}
