package dev.eventpipeline.ingest;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages of ingest-api by concern (api, auth, contacts, http, publish, ratelimit, validation)
 * depend on each other without cycles: the HTTP layer uses the others, never the other way round, so
 * the contact directory and the validator can be tested and reused without Javalin.
 */
class PackageCyclesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.eventpipeline.ingest");

    @Test
    void packages_of_ingest_api_have_no_dependency_cycles() {
        slices().matching("dev.eventpipeline.ingest.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
