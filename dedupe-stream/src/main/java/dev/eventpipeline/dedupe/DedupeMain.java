package dev.eventpipeline.dedupe;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.common.config.ConfigOptions;
import dev.eventpipeline.common.config.KafkaSettings;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code java -jar dedupe-stream/target/dedupe-stream.jar [--config FILE] [--set key=value ...]}: the
 * distributed-mode process. Settings come from the defaults, the file, the environment
 * ({@code DEDUPE_WINDOW=7d}) and the command line, in rising precedence. A bad or unknown setting exits
 * with 2 and names the key ({@link CommandLines}); a stream that fails exits with 1 so that a supervisor
 * restarts it.
 */
@Command(name = "dedupe-stream", mixinStandardHelpOptions = true,
        description = "De-duplicates raw-events into clean-events (Kafka Streams, exactly-once). Settings: environment variables "
                + "(KAFKA_BOOTSTRAP_SERVERS, DEDUPE_WINDOW, ...), --config, --set; see docs/dedupe-stream.md.")
public final class DedupeMain implements Callable<Integer> {

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

    @Mixin
    ConfigOptions settings;

    public static void main(String[] args) {
        CommandLines.runAndExit(new DedupeMain(), args);
    }

    @Override
    public Integer call() {
        // A ConfigException (bad or unknown key) leaves through CommandLines: one line, exit code 2.
        DedupeConfig config = config(System.getenv());
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
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (!service.state().isRunningOrRebalancing()) {
                    LOG.error("dedupe-stream is {}; exiting", service.state());
                    return 1;
                }
            }
            return 0;
        } catch (IllegalStateException e) {
            LOG.error("dedupe-stream failed to start: {}", e.getMessage(), e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The settings of the command line just parsed, with {@code env} as the environment. */
    DedupeConfig config(Map<String, String> env) {
        return new DedupeConfig(settings.load(DedupeConfig.DEF, env));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
