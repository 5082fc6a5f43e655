package dev.eventpipeline.standalone;

import dev.eventpipeline.ingest.auth.TokenOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar event-pipeline.jar token create --workspace W}: a token for the standalone pipeline.
 * Only its SHA-256 digest is written, to {@code <data-dir>/tokens.json}, which the pipeline reads at
 * start-up (restart it to use a new token); the token itself is printed once. The token's options are
 * ingest-api's ({@link TokenOptions}); only the registry's place differs.
 */
@Command(name = "token", description = "Manage API tokens of the standalone pipeline.", subcommands = TokenCreate.Create.class)
final class TokenCreate {

    static final String FILE = "tokens.json";

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a token, stores only its SHA-256 digest in <data-dir>/tokens.json and prints the token once.")
    static final class Create implements Callable<Integer> {

        @Option(names = "--data-dir", defaultValue = "./data", description = "The pipeline's data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() {
            return token.createIn(dataDir.resolve(FILE), "; restart the pipeline to use it");
        }
    }
}
