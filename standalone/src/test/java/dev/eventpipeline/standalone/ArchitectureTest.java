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
 * that each service stays a jar of its own. The shared libraries, common and event-store (the schema
 * that the sink writes and ingest-api reads), may be imported by any service and import none.
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
                        "dev.eventpipeline.store..", "dev.eventpipeline.standalone..", "dev.eventpipeline.embedded..",
                        "dev.eventpipeline.testing..")
                .check(classes);
    }

    @Test
    void event_store_is_a_library_that_imports_no_service() {
        noClasses().that().resideInAPackage("dev.eventpipeline.store..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.eventpipeline.ingest..", "dev.eventpipeline.dedupe..", "dev.eventpipeline.sink..",
                        "dev.eventpipeline.standalone..", "dev.eventpipeline.embedded..", "dev.eventpipeline.testing..")
                .check(classes);
    }

    /** The sink is the store's only writer; the API reads it through the read-only pool and EventQueries. */
    @Test
    void only_the_sink_writes_the_store() {
        noClasses().that().resideInAnyPackage("dev.eventpipeline.ingest..", "dev.eventpipeline.dedupe..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.eventpipeline.store.EventStore")
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
