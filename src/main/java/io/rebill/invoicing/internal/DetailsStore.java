package io.rebill.invoicing.internal;

import io.rebill.invoicing.BillingDetails;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Types;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.rebill.invoicing.internal.RunStore.SQL;

/** Billing details on the account rows of an MSP and its customer accounts. */
public final class DetailsStore {
    private final JdbcClient jdbc;

    public DetailsStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The tax rate of each of the MSP's customer accounts that has one. */
    public Map<UUID, BigDecimal> taxRates(UUID msp) {
        Map<UUID, BigDecimal> rates = new java.util.HashMap<>();
        jdbc.sql(SQL.get("tax-rates")).param("msp", msp).query((rs, n) -> rates.put(rs.getObject("id", UUID.class),
                rs.getBigDecimal("tax_rate").stripTrailingZeros())).list();
        return rates;
    }

    /** The MSP's own details or one of its customer accounts'; empty for any other account. */
    public Optional<BillingDetails> find(UUID msp, UUID account) {
        return jdbc.sql(SQL.get("billing-details")).param("msp", msp).param("account", account)
                .query((rs, n) -> new BillingDetails(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getString("contact_email"), Optional.ofNullable(rs.getString("legal_name")),
                        Optional.ofNullable(rs.getString("billing_address")), Optional.ofNullable(rs.getString("tax_id")),
                        Optional.ofNullable(rs.getString("po_number")), rs.getInt("payment_terms_days"),
                        Optional.ofNullable(rs.getBigDecimal("tax_rate")).map(r -> r.stripTrailingZeros()),
                        rs.getString("invoice_prefix"))).optional();
    }

    public void update(UUID msp, BillingDetails d) {
        jdbc.sql(SQL.get("update-billing-details")).param("msp", msp).param("account", d.accountId())
                .param("legalName", d.legalName().orElse(null), Types.VARCHAR)
                .param("address", d.address().orElse(null), Types.VARCHAR)
                .param("taxId", d.taxId().orElse(null), Types.VARCHAR)
                .param("poNumber", d.poNumber().orElse(null), Types.VARCHAR)
                .param("terms", d.paymentTermsDays())
                .param("taxRate", d.taxRate().orElse(null), Types.NUMERIC)
                .param("prefix", d.invoicePrefix()).update();
    }
}
