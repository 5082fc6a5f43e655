package dev.eventpipeline.ingest;

import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.ingest.auth.TokenOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar ingest-api.jar [--config FILE] [--set key=value]…} runs the service (distributed
 * mode); {@code java -jar ingest-api.jar token create …} adds a token to a registry file.
 */
@Command(name = "ingest-api", mixinStandardHelpOptions = true, subcommands = IngestMain.Token.class,
        description = "Intercom-compatible event API writing to Kafka. Settings: environment variables (KAFKA_BOOTSTRAP_SERVERS, HTTP_PORT, ...), --config, --set.")
public final class IngestMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);

    @Option(names = "--config", description = "Properties file with settings (keys as in docs/ingest-api.md).")
    Path configFile;

    @Option(names = "--set", description = "A setting, key=value; wins over file and environment.")
    Map<String, String> overrides = new HashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        IngestConfig config;
        try {
            config = new IngestConfig(ConfigSources.load(IngestConfig.DEF, System.getenv(), configFile, overrides));
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            return 2;
        }
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
