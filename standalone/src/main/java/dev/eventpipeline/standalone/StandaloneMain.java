package dev.eventpipeline.standalone;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.common.config.ConfigOptions;
import dev.eventpipeline.common.config.Durations;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code java -jar standalone/target/event-pipeline.jar}: the whole pipeline in one JVM. The options are
 * those of the spec's operations.md ("Standalone mode") plus a few conveniences; every setting of every
 * service is taken too, with the names of the services' own jars ({@link StandaloneSettings}).
 */
@Command(name = "event-pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = TokenCreate.class,
        description = {"Runs a real single-node Kafka broker, ingest-api, dedupe-stream and event-sink in one JVM.",
                "Any setting of the three services may be given with --config, --set or the environment, as for their jars;"
                        + " 'ingest.', 'dedupe.' or 'sink.' before a key aims it at one service (--set sink.shutdown.timeout=10s)."})
public final class StandaloneMain implements Callable<Integer> {

    /**
     * The embedded broker's own start-up limit: a cold start takes about 3 s, a first start on a loaded
     * 2-core machine (formatting the log directory) several times that. The services wait for their
     * dependencies with their own {@code startup.timeout}.
     */
    static final Duration BROKER_STARTUP_TIMEOUT = Duration.ofSeconds(120);

    @Option(names = "--data-dir", defaultValue = "./data",
            description = "Kafka logs, Streams state, the SQLite file and the dev token (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--http-port", description = "Port of the Intercom-compatible API; 0 picks a free one (default: 8080). Same as --set http.port=N.")
    Integer httpPort;

    @Option(names = "--http-host", description = "Interface of the API; 0.0.0.0 to serve other machines (default: 127.0.0.1). Same as --set http.host=H.")
    String httpHost;

    @Option(names = "--kafka-port", defaultValue = "9092",
            description = "Port of the embedded broker on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--dev-token", description = "Token with scopes read and write for workspace 'dev'. Without it one is generated once and"
            + " kept in the data directory. Same as --set auth.dev.token=T.")
    String devToken;

    @Option(names = "--metadata-delay", converter = PositiveDuration.class,
            description = "Delay before a new metadata key becomes active, ISO-8601 or 10s/5m/24h/7d (default: 24h). Same as --set metadata.delay=D.")
    String metadataDelay;

    @Option(names = "--dedupe-window", converter = PositiveDuration.class,
            description = "De-duplication window in receive time (default: 7d). Same as --set dedupe.window=D.")
    String dedupeWindow;

    @Option(names = "--sink-jdbc-url", description = "Where event-sink writes; default jdbc:sqlite:<data-dir>/events.db. PostgreSQL:"
            + " jdbc:postgresql://host:5432/db?user=... Same as --set jdbc.url=URL.")
    String sinkJdbcUrl;

    @Option(names = "--topic-partitions", description = "Partitions of the topics created on first start (default: 4). Same as --set topic.partitions=N.")
    Integer topicPartitions;

    @Mixin
    ConfigOptions settings;

    public static void main(String[] args) {
        CommandLines.runAndExit(new StandaloneMain(), args);
    }

    @Override
    public Integer call() throws InterruptedException {
        // Everything an operator can get wrong is checked before anything starts, and each ends the start
        // with one line and exit code 2 (a ConfigException, through CommandLines).
        Path data = StartupChecks.writableDirectory("--data-dir", dataDir.toAbsolutePath().normalize());
        if (kafkaPort != 0) {
            StartupChecks.portFree("--kafka-port", "127.0.0.1", kafkaPort);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(data.resolve("kafka"))
                .port(kafkaPort)
                .startupTimeout(BROKER_STARTUP_TIMEOUT)
                .build();
        StandaloneSettings resolved = StandaloneSettings.resolve(this, data, broker.bootstrapServers(), System.getenv());
        if (resolved.ingest().httpPort() != 0) {
            StartupChecks.portFree("--http-port (http.port)", resolved.ingest().httpHost(), resolved.ingest().httpPort());
        }

        StandalonePipeline pipeline = StartupChecks.portsInUseAsConfigErrors(() -> StandalonePipeline.start(broker, resolved));
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

    /** A positive duration as operators write it; anything else is a usage error naming the option. */
    static final class PositiveDuration implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            Duration d;
            try {
                d = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            if (d.isZero() || d.isNegative()) {
                throw new TypeConversionException("'" + value + "' must be a positive duration");
            }
            return value;
        }
    }
}
