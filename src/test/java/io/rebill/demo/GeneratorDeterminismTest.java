package io.rebill.demo;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorDeterminismTest {
    private static final List<YearMonth> TWO_MONTHS = List.of(YearMonth.of(2024, 8), YearMonth.of(2024, 9));

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesByteIdenticalFiles() {
        GeneratorSpec spec = spec(42, 4_000).withRowsPerFile(2_500);

        Map<String, String> first = hashes(generate(spec, "a", RebillSettings.at(dir.resolve("home-a"))));
        // a single thread must not change the bytes either
        Map<String, String> second = hashes(generate(spec, "b",
                new RebillSettings(dir.resolve("home-b"), "256MB", 1)));

        assertThat(first).hasSize(2 * 4 * 2).isEqualTo(second);
    }

    @Test
    void aDifferentSeedWritesDifferentData() throws SQLException {
        GeneratedFiles one = generate(spec(1, 2_000), "one", RebillSettings.at(dir.resolve("home")));
        GeneratedFiles two = generate(spec(2, 2_000), "two", RebillSettings.at(dir.resolve("home")));

        assertThat(hashes(one).values()).doesNotContainAnyElementsOf(hashes(two).values());
        assertThat(one.accounts()).doesNotContainAnyElementsOf(two.accounts());
        try (Connection db = DuckDb.open(RebillSettings.at(dir.resolve("home")))) {
            String total = "SELECT CAST(sum(CAST(\"lineItem/UnblendedCost\" AS DECIMAL(38,10))) AS VARCHAR)"
                    + " FROM read_csv('%s', all_varchar = true)";
            assertThat(scalar(db, total.formatted(csvOf(one, 2024, 9))))
                    .isNotEqualTo(scalar(db, total.formatted(csvOf(two, 2024, 9))));
        }
    }

    @Test
    void everyPeriodGetsExactlyTheRequestedRowsSplitIntoFiles() throws SQLException {
        List<GeneratedFile> told = new ArrayList<>();
        GeneratorSpec spec = spec(7, 12_345).withRowsPerFile(5_000);

        GeneratedFiles files = new BillingDataGenerator().generate(spec, dir.resolve("out"),
                EnumSet.of(Format.CUR_CSV_GZ, Format.FOCUS_PARQUET), RebillSettings.at(dir.resolve("home")),
                told::add);

        assertThat(told).isEqualTo(files.files()).hasSize(2 * 2 * 3);
        assertThat(files.of(Format.CUR_CSV_GZ)).extracting(GeneratedFile::rows)
                .containsExactly(5_000L, 5_000L, 2_345L, 5_000L, 5_000L, 2_345L);
        assertThat(files.of(Format.CUR_CSV_GZ).getFirst().path())
                .isEqualTo(dir.resolve("out/cur-csv/2024-08/rebill-demo-00001.csv.gz").toAbsolutePath());
        try (Connection db = DuckDb.open(RebillSettings.at(dir.resolve("home")))) {
            for (YearMonth period : TWO_MONTHS) {
                Path cur = dir.resolve("out/cur-csv").resolve(period.toString());
                Path focus = dir.resolve("out/focus-parquet").resolve(period.toString());
                assertThat(scalar(db, "SELECT count(*) || ' ' || count(DISTINCT \"identity/LineItemId\") || ' '"
                        + " || min(\"bill/BillingPeriodStartDate\") FROM read_csv('" + DuckDb.literal(cur + "/*.csv.gz")
                        + "', all_varchar = true)"))
                        .isEqualTo("12345 12345 " + period + "-01T00:00:00Z");
                assertThat(scalar(db, "SELECT count(*) FROM read_parquet('" + DuckDb.literal(focus + "/*.parquet")
                        + "') WHERE strftime(BillingPeriodStart, '%Y-%m') = '" + period + "'")).isEqualTo("12345");
            }
        }
    }

    @Test
    void aSmallerRunReplacesTheFilesOfAnEarlierOne() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("cur-csv/2024-08"));
        Files.writeString(out.resolve("cur-csv/2024-08/notes.txt"), "kept");
        generate(spec(3, 3_000).withRowsPerFile(1_000), "out", RebillSettings.at(dir.resolve("home")));

        generate(spec(3, 3_000), "out", RebillSettings.at(dir.resolve("home")));

        try (Stream<Path> files = Files.list(out.resolve("cur-csv/2024-08"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("notes.txt", "rebill-demo-00001.csv.gz");
        }
    }

    @Test
    void anOutputFolderThatCannotBeCreatedIsAStorageFailure() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");

        assertThatThrownBy(() -> generate(spec(1, 10), "not-a-folder/out", RebillSettings.at(dir.resolve("home"))))
                .isInstanceOf(RebillException.class)
                .hasMessageContaining(file.resolve("out").toString())
                .satisfies(e -> assertThat(((RebillException) e).code()).isEqualTo(ErrorCode.STORAGE_FAILED));
    }

    private static GeneratorSpec spec(long seed, long rows) {
        return new GeneratorSpec(seed, rows, 12, 3, TWO_MONTHS, "210987654321");
    }

    private GeneratedFiles generate(GeneratorSpec spec, String out, RebillSettings settings) {
        return new BillingDataGenerator().generate(spec, dir.resolve(out), EnumSet.allOf(Format.class), settings);
    }

    private static String csvOf(GeneratedFiles files, int year, int month) {
        return DuckDb.literal(files.of(Format.CUR_CSV_GZ).stream()
                .filter(f -> f.period().equals(YearMonth.of(year, month))).findFirst().orElseThrow()
                .path().toString());
    }

    /** File name relative to the output folder -> SHA-256 of its bytes. */
    private static Map<String, String> hashes(GeneratedFiles files) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (GeneratedFile file : files.files()) {
            Path path = file.path();
            String name = path.getParent().getParent().getFileName() + "/" + path.getParent().getFileName() + "/"
                    + path.getFileName();
            hashes.put(name, sha256(path));
        }
        return hashes;
    }

    private static String sha256(Path path) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String scalar(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            assertThat(r.next()).as(sql).isTrue();
            return r.getString(1);
        }
    }
}
