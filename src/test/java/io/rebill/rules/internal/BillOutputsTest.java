package io.rebill.rules.internal;

import io.rebill.rules.CustomerBill;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** How customers are grouped for writing their lines: by line count, never more groups than DuckDB writes well. */
class BillOutputsTest {
    private static CustomerBill withLines(String id, long lines) {
        return new CustomerBill(id, id, Optional.empty(), "USD", BigDecimal.ZERO, BigDecimal.ZERO, lines, List.of());
    }

    @Test
    void largestCustomersFirstEachIntoTheLeastFilledGroup() {
        // 900,000 lines in groups of 250,000: 4 groups; the largest customers take a group each, the rest fill them up
        Map<String, Integer> groups = BillOutputs.groups(List.of(withLines("a", 100_000), withLines("b", 300_000),
                withLines("none", 0), withLines("c", 200_000), withLines("d", 100_000), withLines("e", 150_000),
                withLines("f", 50_000)), 250_000);
        assertThat(groups).containsExactly(Map.entry("b", 0), Map.entry("c", 1), Map.entry("e", 2), Map.entry("a", 3),
                Map.entry("d", 3), Map.entry("f", 2));
    }

    @Test
    void neverMoreThanSixtyFourGroups() {
        List<CustomerBill> customers = IntStream.range(0, 1_000).mapToObj(i -> withLines("c" + i, 1 + i % 7)).toList();
        assertThat(BillOutputs.groups(customers, 1).values()).hasSize(1_000).allMatch(g -> g >= 0 && g < 64)
                .containsAll(IntStream.range(0, 64).boxed().toList());
    }
}
