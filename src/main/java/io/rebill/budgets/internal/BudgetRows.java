package io.rebill.budgets.internal;

import io.rebill.budgets.AlertThreshold;
import io.rebill.budgets.Budget;
import io.rebill.budgets.BudgetFilter;
import io.rebill.budgets.Measure;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A budget row as stored: filters and alerts as JSON (decimals as strings, so they stay exact). */
public final class BudgetRows {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BudgetRows() {
    }

    public static Budget budget(ResultSet rs, int row) throws SQLException {
        Map<String, List<String>> filters = JSON.readValue(rs.getString("filters"), new TypeReference<>() {
        });
        List<Map<String, String>> alerts = JSON.readValue(rs.getString("alerts"), new TypeReference<>() {
        });
        String channels = rs.getString("channel_ids");
        List<String> recipients = channels == null ? List.of() : JSON.readValue(channels, new TypeReference<>() {
        });
        return new Budget(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class), rs.getString("name"),
                rs.getBigDecimal("amount"), rs.getString("currency"), Measure.parse(rs.getString("measure")),
                BudgetFilter.of(filters), alerts.stream().map(a -> new AlertThreshold(
                        AlertThreshold.Basis.parse(a.get("basis")), new BigDecimal(a.get("percent")))).toList(),
                recipients.stream().map(UUID::fromString).toList(), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant());
    }

    public static String filtersJson(BudgetFilter filter) {
        Map<String, List<String>> byKey = filter.byKey();
        return JSON.writeValueAsString(byKey);
    }

    /** The recipients as stored: NULL when the budget names none (every channel with budget alerts on). */
    public static String recipientsJson(List<UUID> recipients) {
        return recipients.isEmpty() ? null : JSON.writeValueAsString(recipients.stream().map(UUID::toString).toList());
    }

    public static String alertsJson(List<AlertThreshold> alerts) {
        return JSON.writeValueAsString(alerts.stream().map(a -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("basis", a.basis().key());
            m.put("percent", a.percent().toPlainString());
            return m;
        }).toList());
    }
}
