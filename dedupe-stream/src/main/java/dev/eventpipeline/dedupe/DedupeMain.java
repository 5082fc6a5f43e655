package dev.eventpipeline.dedupe;

import dev.eventpipeline.common.config.CommandLineSettings;
import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.common.config.KafkaSettings;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar dedupe-stream/target/dedupe-stream.jar [--config FILE] [--set key=value ...]}: the
 * distributed-mode process. Settings come from the defaults, the file, the environment
 * ({@code DEDUPE_WINDOW=7d}) and the command line, in rising precedence. A bad setting exits with 2 and
 * names the key; a stream that fails exits with 1 so that a supervisor restarts it.
 */
public final class DedupeMain {

    static {
        // Before the first logger exists: our lines at INFO on stdout, Kafka's clients only when something is
        // wrong (they log every rebalance step at INFO). Set here, not in a simplelogger.properties, so that the
        // standalone jar, which bundles this module, keeps its own logging settings. -D flags still win.
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
    }

    private static final Logger LOG = LoggerFactory.getLogger(DedupeMain.class);

    private DedupeMain() {}

    public static void main(String[] args) {
        DedupeConfig config;
        try {
            config = parse(args);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("dedupe-stream: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("dedupe-stream configuration: {}", ConfigSources.redacted(config.values()));
        DedupeService service = DedupeService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("dedupe-stream stopping");
            service.close();
            stopped.countDown();
        }, "dedupe-stream-shutdown"));
        try {
            service.awaitRunning(KafkaSettings.startupTimeout(config));
            LOG.info("dedupe-stream RUNNING (application.id={}, topic.prefix='{}')",
                    config.getString(DedupeConfig.APPLICATION_ID), config.topicPrefix());
            // Block until the shutdown hook has run, or exit when the stream dies on its own.
            while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                if (!service.state().isRunningOrRebalancing()) {
                    LOG.error("dedupe-stream is {}; exiting", service.state());
                    System.exit(1);
                }
            }
        } catch (IllegalStateException e) {
            LOG.error("dedupe-stream failed to start: {}", e.getMessage(), e);
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** {@code --config FILE} names a properties file; {@code --set key=value} overrides any setting. */
    static DedupeConfig parse(String[] args) {
        CommandLineSettings cli = CommandLineSettings.parse(args);
        return new DedupeConfig(ConfigSources.load(DedupeConfig.DEF, System.getenv(), cli.configFile(), cli.overrides()));
    }
}
