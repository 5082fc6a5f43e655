package dev.eventpipeline.standalone;

import dev.eventpipeline.ingest.auth.TokenCommand;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar event-pipeline.jar token create --workspace W}: a token for the standalone pipeline.
 * Only its SHA-256 digest is written, to {@code <data-dir>/tokens.json}, which the pipeline reads at
 * start-up (restart it to use a new token); the token itself is printed once.
 */
@Command(name = "token", description = "Manage API tokens of the standalone pipeline.", subcommands = TokenCreate.Create.class)
final class TokenCreate {

    static final String FILE = "tokens.json";

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a token, stores only its SHA-256 digest in <data-dir>/tokens.json and prints the token once.")
    static final class Create implements Callable<Integer> {

        @Option(names = "--data-dir", defaultValue = "./data", description = "The pipeline's data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--workspace", required = true, description = "Workspace id every record sent with this token gets.")
        String workspace;

        @Option(names = "--app", description = "App id (default: the workspace id); rate limits count per app.")
        String app;

        @Option(names = "--scopes", split = ",", defaultValue = "read,write", description = "read and/or write (default: ${DEFAULT-VALUE}).")
        String[] scopes;

        @Option(names = "--rate-limit", description = "Calls per minute for this app (default: 10000, Intercom's).")
        Integer rateLimitPerMinute;

        @Override
        public Integer call() {
            Path file = dataDir.resolve(FILE);
            String token = TokenCommand.createToken(file, workspace, app == null ? workspace : app,
                    new LinkedHashSet<>(Arrays.asList(scopes)), rateLimitPerMinute, null);
            System.out.println(token);
            System.err.println("Token for workspace " + workspace + " stored as a digest in " + file
                    + "; restart the pipeline to use it. It is shown only now: keep it secret.");
            return 0;
        }
    }
}
