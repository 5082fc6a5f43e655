package dev.eventpipeline.standalone;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of CONVENTIONS.md, checked on the compiled classes of every module (this module
 * depends on all of them): common depends on no other module, and no service imports another, so
 * that each service stays a jar of its own.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.eventpipeline");
    }

    @Test
    void common_depends_on_no_other_module() {
        noClasses().that().resideInAPackage("dev.eventpipeline.common..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.eventpipeline.ingest..", "dev.eventpipeline.dedupe..", "dev.eventpipeline.sink..",
                        "dev.eventpipeline.standalone..", "dev.eventpipeline.embedded..", "dev.eventpipeline.testing..")
                .check(classes);
    }

    @Test
    void ingest_api_imports_no_other_service() {
        noClasses().that().resideInAPackage("dev.eventpipeline.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.eventpipeline.dedupe..", "dev.eventpipeline.sink..", "dev.eventpipeline.standalone..")
                .check(classes);
    }

    @Test
    void dedupe_stream_imports_no_other_service() {
        noClasses().that().resideInAPackage("dev.eventpipeline.dedupe..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.eventpipeline.ingest..", "dev.eventpipeline.sink..", "dev.eventpipeline.standalone..")
                .check(classes);
    }

    @Test
    void event_sink_imports_no_other_service() {
        noClasses().that().resideInAPackage("dev.eventpipeline.sink..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.eventpipeline.ingest..", "dev.eventpipeline.dedupe..", "dev.eventpipeline.standalone..")
                .check(classes);
    }
}
