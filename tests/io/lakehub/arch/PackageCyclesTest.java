package io.lakehub.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No dependency cycle between the {@code io.lakehub} packages of the production classes (issue 14): each package,
 * sub-packages included ({@code events}, {@code events.eventhubs}, {@code events.inprocess} are three), is one slice,
 * and ArchUnit's {@code beFreeOfCycles} fails naming every cycle with the classes that close it. Fix a cycle by moving
 * the class that points back (settings beside their feature, wiring above what it wires), not by loosening this rule.
 */
class PackageCyclesTest {

    /** One slice per Java package under io.lakehub (the root package io.lakehub is a slice too). */
    static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            return p.equals("io.lakehub") || p.startsWith("io.lakehub.") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "each io.lakehub package";
        }
    };

    @Test
    void theLakehubPackagesHaveNoCycle() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lakehub");
        assertThat(production.contain("io.lakehub.LakehubApplication")).as("the production classes were imported").isTrue();
        assertThat(production.stream().map(JavaClass::getPackageName).distinct().count())
                .as("packages checked").isGreaterThan(15);
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(production);
    }
}
