package dev.eventpipeline.standalone;

import dev.eventpipeline.common.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar standalone/target/event-pipeline.jar}: the whole pipeline in one JVM.
 * Options are those of docs/operations (the spec's operations.md) plus a few conveniences.
 */
@Command(name = "event-pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = TokenCreate.class,
        description = "Runs a real single-node Kafka broker, ingest-api, dedupe-stream and event-sink in one JVM.")
public final class StandaloneMain implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "./data", description = "Kafka logs, Streams state, the SQLite file and the dev token (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the Intercom-compatible API; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "Interface of the API; 0.0.0.0 to serve other machines (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the embedded broker on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--dev-token", description = "Token with scopes read and write for workspace 'dev'. Without it one is generated once and kept in the data directory.")
    String devToken;

    @Option(names = "--metadata-delay", defaultValue = "24h", description = "Delay before a new metadata key becomes active, ISO-8601 or 10s/5m/24h/7d (default: ${DEFAULT-VALUE}).")
    String metadataDelay;

    @Option(names = "--dedupe-window", defaultValue = "7d", description = "De-duplication window in receive time (default: ${DEFAULT-VALUE}).")
    String dedupeWindow;

    @Option(names = "--sink-jdbc-url", description = "Where event-sink writes; default jdbc:sqlite:<data-dir>/events.db. PostgreSQL: jdbc:postgresql://host:5432/db?user=...")
    String sinkJdbcUrl;

    @Option(names = "--topic-partitions", defaultValue = "4", description = "Partitions of the topics created on first start (default: ${DEFAULT-VALUE}).")
    int topicPartitions;

    public static void main(String[] args) {
        int exit = new CommandLine(new StandaloneMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        StandaloneOptions options = new StandaloneOptions(
                dataDir.toAbsolutePath().normalize(), httpHost, httpPort, kafkaPort, devToken,
                parse("--metadata-delay", metadataDelay), parse("--dedupe-window", dedupeWindow),
                sinkJdbcUrl, topicPartitions);
        StandalonePipeline pipeline = StandalonePipeline.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }, "standalone-shutdown"));
        System.out.println(pipeline.readyLine());
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static Duration parse(String option, String value) {
        try {
            Duration d = Durations.parse(value);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(new StandaloneMain()), option + ": " + e.getMessage());
        }
    }
}
