package dev.eventpipeline.ingest;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.common.config.ConfigOptions;
import dev.eventpipeline.ingest.auth.TokenOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar ingest-api.jar [--config FILE] [--set key=value]…} runs the service (distributed
 * mode); {@code java -jar ingest-api.jar token create …} adds a token to a registry file. Exit codes are
 * {@link CommandLines}': 2 for a bad or unknown setting, named on one line.
 */
@Command(name = "ingest-api", mixinStandardHelpOptions = true, subcommands = IngestMain.Token.class,
        description = "Intercom-compatible event API writing to Kafka. Settings: environment variables (KAFKA_BOOTSTRAP_SERVERS, HTTP_PORT, ...), --config, --set.")
public final class IngestMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);

    @Mixin
    ConfigOptions settings;

    public static void main(String[] args) {
        CommandLines.runAndExit(new IngestMain(), args);
    }

    @Override
    public Integer call() throws InterruptedException {
        // A ConfigException (bad or unknown key) leaves through CommandLines: one line, exit code 2.
        IngestConfig config = config(System.getenv());
        IngestService service = IngestService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            service.close();
            stopped.countDown();
        }, "ingest-shutdown"));
        LOG.info("READY ingest-api on port {}", service.port());
        stopped.await();
        return 0;
    }

    /** The settings of the command line just parsed, with {@code env} as the environment. */
    IngestConfig config(Map<String, String> env) {
        return new IngestConfig(settings.load(IngestConfig.DEF, env));
    }

    @Command(name = "token", description = "Manage API tokens.", subcommands = Token.Create.class)
    static final class Token {

        @Command(name = "create", mixinStandardHelpOptions = true,
                description = "Creates a token, stores only its SHA-256 digest in --file, prints the token once.")
        static final class Create implements Callable<Integer> {
            @Option(names = "--file", required = true, description = "Token registry (JSON); created if missing.")
            Path file;
            @Mixin
            TokenOptions token;

            @Override
            public Integer call() {
                return token.createIn(file, "");
            }
        }
    }
}
