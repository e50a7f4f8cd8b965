package io.rebill.invoicing.internal;

import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.RunStatus;
import io.rebill.invoicing.RunTrigger;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The bill_run table: every statement names the MSP. */
public final class RunStore {
    static final SqlStatements SQL = SqlStatements.load(RunStore.class, "/io/rebill/invoicing/invoicing.sql");
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    public RunStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Queues a run, or answers the one already queued for the period (a burst of requests is billed once). The queued
     * run may start between the two statements; then a new one is queued, so a request never goes unanswered.
     */
    public BillRun queue(UUID msp, BillingPeriod period, RunTrigger trigger, String by) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<BillRun> inserted = jdbc.sql(SQL.get("insert-run")).param("id", UUID.randomUUID()).param("msp", msp)
                    .param("period", period.toString()).param("trigger", trigger.dbName()).param("by", by).query(ROW)
                    .optional();
            if (inserted.isPresent()) {
                return inserted.get();
            }
            Optional<BillRun> queued = jdbc.sql(SQL.get("queued-run")).param("msp", msp)
                    .param("period", period.toString()).query(ROW).optional();
            if (queued.isPresent()) {
                return queued.get();
            }
        }
        throw new IllegalStateException("could not queue a bill run of " + period + " in ten attempts");
    }

    public Optional<BillRun> find(UUID msp, UUID id) {
        return jdbc.sql(SQL.get("run")).param("msp", msp).param("id", id).query(ROW).optional();
    }

    public Page<BillRun> list(UUID msp, Optional<BillingPeriod> period, PageRequest page) {
        String p = period.map(BillingPeriod::toString).orElse(null);
        List<BillRun> items = jdbc.sql(SQL.get("runs")).param("msp", msp).param("period", p, Types.VARCHAR)
                .param("limit", page.limit()).param("offset", page.offset()).query(ROW).list();
        long total = jdbc.sql(SQL.get("count-runs")).param("msp", msp).param("period", p, Types.VARCHAR)
                .query(Long.class).single();
        return new Page<>(items, page.offset(), page.limit(), total);
    }

    public Optional<BillRun> latest(UUID msp, BillingPeriod period) {
        return jdbc.sql(SQL.get("latest-run")).param("msp", msp).param("period", period.toString()).query(ROW).optional();
    }

    public Optional<BillRun> latestSucceeded(UUID msp, BillingPeriod period) {
        return jdbc.sql(SQL.get("latest-succeeded-run")).param("msp", msp).param("period", period.toString())
                .query(ROW).optional();
    }

    public Optional<BillRun> running(UUID msp, BillingPeriod period) {
        return jdbc.sql(SQL.get("running-run")).param("msp", msp).param("period", period.toString())
                .query(ROW).optional();
    }

    /** The run whose drafts stand (drafts committed, whether or not its cost figures are yet). */
    public Optional<BillRun> latestBilled(UUID msp, BillingPeriod period) {
        return jdbc.sql(SQL.get("latest-billed-run")).param("msp", msp).param("period", period.toString())
                .query(ROW).optional();
    }

    /** Moves a queued run to running; false when it is no longer queued. */
    public boolean start(UUID msp, UUID id) {
        return jdbc.sql(SQL.get("start-run")).param("msp", msp).param("id", id).update() == 1;
    }

    public void pin(UUID msp, UUID id, String yaml, String hash, List<BillRun.PinnedSource> sources) {
        jdbc.sql(SQL.get("pin-run")).param("msp", msp).param("id", id).param("yaml", yaml).param("hash", hash)
                .param("sources", JSON.writeValueAsString(sources)).update();
    }

    public void progress(UUID msp, UUID id, String progress) {
        jdbc.sql(SQL.get("progress")).param("msp", msp).param("id", id).param("progress", progress).update();
    }

    /** The run's drafts, per-customer figures and outcome are committed (in the caller's transaction). */
    public void draftsReady(UUID msp, UUID id, long lines, boolean reconciles, String outcomeJson) {
        jdbc.sql(SQL.get("drafts-ready")).param("msp", msp).param("id", id).param("lines", lines)
                .param("reconciles", reconciles).param("outcome", outcomeJson).update();
    }

    public void finish(UUID msp, UUID id, long lines, boolean reconciles, String outcomeJson) {
        jdbc.sql(SQL.get("finish-run")).param("msp", msp).param("id", id).param("lines", lines)
                .param("reconciles", reconciles).param("outcome", outcomeJson).update();
    }

    public void fail(UUID msp, UUID id, String error) {
        jdbc.sql(SQL.get("fail-run")).param("msp", msp).param("id", id).param("error", error).update();
    }

    /** What a stopped server left: the runs it left running (now failed) and the queued ones. */
    public record Left(List<BillRun> interrupted, List<BillRun> queued) {
    }

    /** At start: runs a stopped server left running have failed; the queued ones are run again. */
    public Left recover() {
        List<BillRun> interrupted = jdbc.sql(SQL.get("interrupted-runs")).query(ROW).list();
        return new Left(interrupted, jdbc.sql(SQL.get("queued-runs")).query(ROW).list());
    }

    public Optional<JsonNode> outcome(UUID msp, UUID run) {
        return jdbc.sql(SQL.get("run-outcome")).param("msp", msp).param("id", run).query(String.class).optional()
                .map(JSON::readTree);
    }

    /** The MSP's per-customer figures of a run: key, account, name, cost, charge, lines. */
    public record CustomerFigures(String key, Optional<UUID> accountId, String name, java.math.BigDecimal cost,
                                  java.math.BigDecimal charge, long lineCount) {
    }

    public List<CustomerFigures> customers(UUID msp, UUID run) {
        return jdbc.sql(SQL.get("run-customers")).param("msp", msp).param("run", run)
                .query((rs, n) -> new CustomerFigures(rs.getString("customer_key"),
                        Optional.ofNullable(rs.getObject("customer_account_id", UUID.class)), rs.getString("name"),
                        rs.getBigDecimal("cost"), rs.getBigDecimal("charge"), rs.getLong("line_count"))).list();
    }

    public Optional<String> configYaml(UUID msp, UUID run) {
        return jdbc.sql(SQL.get("run-config")).param("msp", msp).param("id", run)
                .query((rs, n) -> Optional.ofNullable(rs.getString("config_yaml"))).optional().flatMap(y -> y);
    }

    public List<BillingPeriod> periods(UUID msp) {
        return jdbc.sql(SQL.get("periods-with-runs")).param("msp", msp).query(String.class).list().stream()
                .map(BillingPeriod::parse).toList();
    }

    static final RowMapper<BillRun> ROW = (rs, n) -> new BillRun(rs.getObject("id", UUID.class),
            rs.getObject("msp_id", UUID.class), BillingPeriod.parse(rs.getString("period")),
            RunStatus.fromDb(rs.getString("status")), RunTrigger.fromDb(rs.getString("trigger")),
            rs.getString("requested_by"), rs.getTimestamp("requested_at").toInstant(), instant(rs, "started_at"),
            instant(rs, "finished_at"), Optional.ofNullable(rs.getString("config_hash")), sources(rs),
            Optional.ofNullable((Long) rs.getObject("line_count")), Optional.ofNullable((Boolean) rs.getObject("reconciles")),
            Optional.ofNullable(rs.getString("progress")), Optional.ofNullable(rs.getString("error")),
            instant(rs, "drafts_ready_at"), instant(rs, "figures_rebuilt_at"),
            Optional.ofNullable(rs.getString("figures_error")));

    static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }

    private static List<BillRun.PinnedSource> sources(ResultSet rs) throws SQLException {
        List<BillRun.PinnedSource> sources = new ArrayList<>();
        for (JsonNode s : JSON.readTree(rs.getString("sources"))) {
            sources.add(new BillRun.PinnedSource(s.path("source").asString(), s.path("integration").asString(),
                    s.path("generation").asString()));
        }
        return sources;
    }
}
