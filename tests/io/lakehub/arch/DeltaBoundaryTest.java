package io.lakehub.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
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
 * Delta library: Delta Kernel ({@code io.delta..}, delta-storage's log stores included) or the shaded
 * dependencies of delta-standalone, should it come back ({@code shadedelta..}). ArchUnit names every offending class and
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

    /**
     * Public classes of the package that must speak a Delta library's SPI: Delta Kernel instantiates the
     * delta-storage log store by class name and calls it with Hadoop types.
     */
    static final Set<String> SPI_CLASSES = Set.of("io.lakehub.delta.AtomicLocalLogStore");

    @Test
    void thePublicMethodsOfTheBoundaryTakeAndReturnLakehubTypesOnly() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lakehub.delta");
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (JavaClass c : production) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC) || SPI_CLASSES.contains(c.getName())
                    || !c.getPackageName().startsWith("io.lakehub.delta")) {
                continue;
            }
            for (JavaClass superType : c.getAllRawSuperclasses()) {
                if (delta(superType)) {
                    leaks.add(c.getName() + " extends " + superType.getName());
                }
            }
            for (JavaCodeUnit m : c.getCodeUnits()) {
                if (!m.getModifiers().contains(JavaModifier.PUBLIC)) {
                    continue;
                }
                checked++;
                if (delta(m.getRawReturnType())) {
                    leaks.add(m.getFullName() + " returns " + m.getRawReturnType().getName());
                }
                for (JavaClass p : m.getRawParameterTypes()) {
                    if (delta(p)) {
                        leaks.add(m.getFullName() + " takes " + p.getName());
                    }
                }
            }
        }
        assertThat(checked).as("public methods checked").isGreaterThan(100);
        assertThat(leaks).as("public signatures of io.lakehub.delta that expose a Delta library type").isEmpty();
    }

    private static boolean delta(JavaClass type) {
        JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
        return base.getPackageName().startsWith("io.delta") || base.getPackageName().startsWith("shadedelta");
    }

    /** A test class outside the boundary that uses a Delta Kernel type: the violation the rule must catch. */
    static final class OutsideTheBoundary {
        static String kernelType() {
            return io.delta.kernel.types.LongType.LONG.toString();
        }
    }

    @Test
    void theRuleCatchesAClassOutsideThatUsesADeltaLibrary() {
        // tests read the hub's tables with their own DeltaLogReader (no Delta library), so the violating set is this
        // test's own nested class, which really uses Kernel
        assertThat(OutsideTheBoundary.kernelType()).isNotBlank();
        JavaClasses tests = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("io.lakehub.arch");
        assertThat(tests.contain("io.lakehub.arch.DeltaBoundaryTest$OutsideTheBoundary")).isTrue();
        assertThatThrownBy(() -> NO_DELTA_OUTSIDE_THE_BOUNDARY.check(tests))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("io.lakehub.arch.DeltaBoundaryTest$OutsideTheBoundary")
                .hasMessageContaining("io.delta.kernel.types.LongType");
        // and no test outside the boundary package uses a Delta library any more: the independent reader is lakehub's
        NO_DELTA_OUTSIDE_THE_BOUNDARY.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("io.lakehub.testsupport", "io.lakehub.sql", "io.lakehub.tmdb"));
    }
}
