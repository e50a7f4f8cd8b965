package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.StoredLines;
import io.rebill.shared.duckdb.DuckDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags are stored as a list of key/value pairs; periods stored while they were a DuckDB MAP read the same, alone or
 * in one relation with files of the new layout, and every lookup (value, presence, the FOCUS map) agrees.
 */
class StoredTagsTest {
    @TempDir
    Path dir;
    Connection duck;
    Path listTags;
    Path mapTags;

    @BeforeEach
    void aFileInEachLayout() throws Exception {
        Path csv = dir.resolve("cur.csv");
        Files.writeString(csv, String.join("\n",
                "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,"
                        + "lineItem/LineItemType,lineItem/UnblendedCost,resourceTags/user:team,resourceTags/user:env",
                "a,111111111111,2024-09-01T00:00:00Z,222222222222,Usage,1.5,web,prod",
                "b,111111111111,2024-09-01T00:00:00Z,222222222222,Usage,2.5,,dev",
                "c,111111111111,2024-09-01T00:00:00Z,222222222222,Usage,3.5,,") + "\n");
        duck = DriverManager.getConnection("jdbc:duckdb:");
        Sql.prepare(duck);
        SniffedFile file = FileSniffer.sniff(csv, duck);
        listTags = dir.resolve("list.parquet");
        mapTags = dir.resolve("map.parquet");
        String select = new MappingQuery(file, CanonicalColumn.NARROW_MONEY_SCALE)
                .canonicalSelect(Sql.resource(file.format().canonicalSql()), true);
        try (Statement s = duck.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + DuckDb.literal(listTags.toString()) + "' (FORMAT parquet)");
            // the layout of periods stored before: the same lines with tags as a MAP
            s.execute("COPY (SELECT * REPLACE (map_from_entries(tags) AS tags) FROM read_parquet('"
                    + DuckDb.literal(listTags.toString()) + "')) TO '" + DuckDb.literal(mapTags.toString()) + "' (FORMAT parquet)");
        }
    }

    @AfterEach
    void close() throws Exception {
        duck.close();
    }

    private List<String> lookups(List<Path> files) throws Exception {
        String tags = CanonicalColumn.TAGS.column();
        List<String> rows = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT billed_cost, typeof(tags), "
                + CanonicalColumn.tagValueSql(tags, "'team'") + ", " + CanonicalColumn.hasTagSql(tags, "'env'") + ", CAST("
                + CanonicalColumn.tagMapSql(tags) + " AS VARCHAR) FROM " + StoredLines.read(duck, files, "").sql()
                + " ORDER BY billed_cost")) {
            while (rs.next()) {
                rows.add(rs.getBigDecimal(1).stripTrailingZeros().toPlainString() + " " + rs.getString(2) + " "
                        + rs.getString(3) + " " + rs.getBoolean(4) + " " + rs.getString(5));
            }
        }
        return rows;
    }

    @Test
    void tagsAreAListOfPairsWithoutEmptyValuesAndNullWhenNone() throws Exception {
        String type = "STRUCT(\"key\" VARCHAR, \"value\" VARCHAR)[]";
        assertThat(lookups(List.of(listTags))).containsExactly(
                "1.5 " + type + " web true {team=web, env=prod}",
                "2.5 " + type + " null true {env=dev}",
                "3.5 " + type + " null false null");
    }

    @Test
    void periodsStoredWithMapTagsReadTheSameAloneAndBesideTheNewLayout() throws Exception {
        assertThat(lookups(List.of(mapTags))).isEqualTo(lookups(List.of(listTags)));
        List<String> both = lookups(List.of(mapTags, listTags));
        assertThat(both).hasSize(6);
        assertThat(both.stream().distinct().toList()).isEqualTo(lookups(List.of(listTags)));
    }
}
