package io.rebill;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Package by feature (../shared/STYLE.md): a feature's {@code internal} package is its own. Another feature may
 * only use the feature's top-level package, its facade and records.
 */
class ArchitectureTest {
    private static final List<String> FEATURES = List.of("ingestion", "costs", "demo", "web", "cli", "shared",
            "rules", "tenancy", "identity", "invoicing");
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.rebill");

    @Test
    void noFeatureReachesIntoAnothersInternals() {
        for (String feature : FEATURES) {
            ArchRule rule = noClasses().that().resideOutsideOfPackage("io.rebill." + feature + "..")
                    .should().dependOnClassesThat().resideInAPackage("io.rebill." + feature + ".internal..")
                    .because(feature + ".internal is private to the " + feature + " feature; use its facade")
                    .allowEmptyShould(true);
            rule.check(CLASSES);
        }
    }

    @Test
    void sharedDependsOnNoFeature() {
        noClasses().that().resideInAPackage("io.rebill.shared..")
                .should().dependOnClassesThat().resideInAnyPackage("io.rebill.ingestion..", "io.rebill.costs..",
                        "io.rebill.demo..", "io.rebill.web..", "io.rebill.cli..")
                .check(CLASSES);
    }

    @Test
    void theRuleSeesTheFeatures() {
        // guards against the import silently finding nothing, which would make the rules above pass vacuously
        assertThat(CLASSES.containPackage("io.rebill.ingestion.internal")).isTrue();
        assertThat(CLASSES.stream().filter(c -> c.getPackageName().startsWith("io.rebill.ingestion.internal")).count())
                .isGreaterThan(5);
    }
}
