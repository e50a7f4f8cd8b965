package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

/** Azure EA / MCA cost details (actual cost), as Cost Management's export writes the CSV. */
class AzureCostDetailsFormatTest extends ReaderContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return ProviderWriters.azureCostDetails(lines, folder.resolve("part_0_0001.csv"));
    }

    @Override
    String costColumn() {
        return "CostInBillingCurrency";
    }
}
