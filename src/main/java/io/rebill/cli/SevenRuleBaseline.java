package io.rebill.cli;

import io.rebill.ingestion.StoredLines;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.shared.duckdb.DuckDb;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs bench/seven-rule-invoices.sql, the hand-written DuckDB query of the benchmark's 7-rule workflow, over stored
 * line items: the baseline the bill is measured against. The file stays at the repository root for review, so it is
 * read from there (next to target/ of the running jar or classes), not from the class path.
 */
final class SevenRuleBaseline {
    static final String FILE = "bench/seven-rule-invoices.sql";

    /** One invoice line of the hand-written query, with its customer's cost and charge. */
    record Line(String customerId, String kind, String label, BigDecimal exact, BigDecimal amount, BigDecimal customerCost,
                BigDecimal customerCharge) {
    }

    private SevenRuleBaseline() {
    }

    /** The query's rows over {@code files} for the customers and payer of {@code config}. */
    static List<Line> run(Connection duck, MspConfig config, String payer, List<Path> files, Path sqlFile)
            throws SQLException, IOException {
        String sql = Files.readString(sqlFile);
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE customer_accounts (customer_id VARCHAR, account_id VARCHAR)");
            s.execute("CREATE OR REPLACE TEMP VIEW billing_lines AS SELECT * FROM " + StoredLines.read(duck, files, "").sql());
            s.execute("SET VARIABLE payer = '" + DuckDb.literal(payer) + "'");
        }
        StringBuilder insert = new StringBuilder("INSERT INTO customer_accounts VALUES ");
        List<String> params = new ArrayList<>();
        for (Customer c : config.customers()) {
            for (String account : c.accounts()) {
                insert.append(params.isEmpty() ? "(?, ?)" : ", (?, ?)");
                params.add(c.id());
                params.add(account);
            }
        }
        try (PreparedStatement ps = duck.prepareStatement(insert.toString())) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            ps.executeUpdate();
        }
        List<Line> lines = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                lines.add(new Line(rs.getString("customer_id"), rs.getString("kind"), rs.getString("label"),
                        rs.getBigDecimal("exact"), rs.getBigDecimal("amount"), rs.getBigDecimal("cost"), rs.getBigDecimal("charge")));
            }
        }
        return lines;
    }

    /** The SQL file, at the repository root of the running code ({@link BenchSql#file}). */
    static Path sqlFile() {
        return BenchSql.file(FILE);
    }
}
