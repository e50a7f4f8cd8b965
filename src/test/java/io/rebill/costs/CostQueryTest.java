package io.rebill.costs;

import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostQueryTest {
    @TempDir
    Path dir;
    CostQuery costs;

    @BeforeEach
    void setUp() {
        Ingestion ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
        List<LineItemFixture> lines = List.of(
                aLineItem().account("111111111111").cost("10.10").list("12", "12").tag("team", "web"),
                aLineItem().account("111111111111").cost("0.005").list("0.005", "0.005").tag("team", "data"),
                aLineItem().account("222222222222").product("AmazonS3", "Amazon Simple Storage Service").cost("3.3333333333")
                        .list("3.4", "3.4").tag("team", "web"),
                aLineItem().account("222222222222").type("Tax").cost("1.5").list("0", "0"));
        ingestion.ingest("payer-1", List.of(TestFiles.curCsv(lines, dir.resolve("cur.csv"))), ProgressListener.silent());
        costs = new CostQuery(ingestion);
    }

    private CostReport run(CostBasis basis, String... groupBy) {
        return costs.run(new CostRequest(List.of("payer-1"), BillingPeriod.parse("2024-09"),
                java.util.Arrays.stream(groupBy).map(CostDimension::parse).toList(), basis));
    }

    @Test
    void groupsBySubAccountAndChargeTypeWithExactSums() {
        CostReport r = run(CostBasis.BILLED, "sub_account_id", "x_charge_type");
        assertThat(r.rows()).extracting(row -> row.keys() + "=" + row.cost().toPlainString() + "/" + row.lineCount())
                .containsExactly("[111111111111, Usage]=10.105/2", "[222222222222, Usage]=3.3333333333/1",
                        "[222222222222, Tax]=1.50/1");
        assertThat(r.total().toPlainString()).isEqualTo("14.9383333333");
        assertThat(r.header()).containsExactly("sub_account_id", "x_charge_type", "billed_cost", "line_count");
    }

    @Test
    void groupsByTagOnTheListBasis() {
        CostReport r = run(CostBasis.LIST, "tag:team");
        assertThat(r.rows()).extracting(row -> row.keys().get(0) + "=" + row.cost().toPlainString())
                .containsExactly("web=15.40", "data=0.005", "null=0.00");
    }

    @Test
    void withoutGroupingItIsOneTotal() {
        assertThat(run(CostBasis.EFFECTIVE).rows()).singleElement()
                .satisfies(row -> assertThat(row.cost().toPlainString()).isEqualTo("14.9383333333"));
    }

    @Test
    void refusesAnUnknownDimensionNamingTheChoices() {
        assertThatThrownBy(() -> CostDimension.parse("customer_secret"))
                .isInstanceOf(RebillException.class).hasMessageContaining("cannot group by 'customer_secret'")
                .hasMessageContaining("sub_account_id");
    }

    @Test
    void anUnknownPeriodIsNamed() {
        assertThatThrownBy(() -> costs.run(new CostRequest(List.of("payer-1"), BillingPeriod.parse("2031-01"), List.of(),
                CostBasis.BILLED))).isInstanceOf(RebillException.class).hasMessageContaining("2031-01");
    }
}
