package io.rebill;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Spring Modulith's view of the features: each a module, their named interfaces only, and no cycle between them. */
class ModulesTest {
    @Test
    void theFeaturesKeepTheirBoundaries() {
        ApplicationModules.of("io.rebill").verify();
    }
}
