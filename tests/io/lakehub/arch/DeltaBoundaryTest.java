package io.lakehub.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Delta boundary (issue 13, DESIGN.md "Delta Lake"): every Delta read and commit goes through
 * {@code io.lakehub.delta}, whose surface is lakehub's own types ({@code TableSchema}, {@code ColumnType},
 * {@code DataFile}, {@code TableSnapshot}, ...). No production class outside that package may use a class of a
 * Delta library: delta-standalone and Delta Kernel ({@code io.delta..}, delta-storage's log stores included)
 * or delta-standalone's shaded dependencies ({@code shadedelta..}). ArchUnit names every offending class and
 * the line of the dependency.
 */
class DeltaBoundaryTest {

    /** The rule, shared by the production check and the check that it can fail. */
    static final ArchRule NO_DELTA_OUTSIDE_THE_BOUNDARY = noClasses()
            .that().resideInAPackage("io.lakehub..")
            .and().resideOutsideOfPackage("io.lakehub.delta..")
            .should().dependOnClassesThat().resideInAnyPackage("io.delta..", "shadedelta..")
            .because("Delta access goes through io.lakehub.delta, whose callers see lakehub's own types (issue 13)");

    @Test
    void noProductionClassOutsideIoLakehubDeltaUsesADeltaLibraryClass() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lakehub");
        assertThat(production.contain("io.lakehub.api.TablesController")).as("the production classes were imported").isTrue();
        assertThat(production.contain("io.lakehub.delta.DeltaTable")).as("the boundary package was imported").isTrue();
        NO_DELTA_OUTSIDE_THE_BOUNDARY.check(production);
    }

    @Test
    void theRuleCatchesAClassOutsideThatUsesDeltaStandalone() {
        // the tests may use delta-standalone as an independent reader, so they are a real violating set
        JavaClasses tests = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("io.lakehub.sql");
        assertThat(tests.contain("io.lakehub.sql.SqlIncrementalLoaderTest")).isTrue();
        assertThatThrownBy(() -> NO_DELTA_OUTSIDE_THE_BOUNDARY.check(tests))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("io.lakehub.sql.SqlIncrementalLoaderTest")
                .hasMessageContaining("io.delta.standalone");
    }
}
