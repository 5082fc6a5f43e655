package dev.eventpipeline.sink;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.common.config.ConfigOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code java -jar event-sink/target/event-sink.jar [--config FILE] [--set key=value ...]}: the sink in
 * distributed mode. Settings come from the defaults, the optional properties file, environment
 * variables ({@code JDBC_URL}, {@code KAFKA_BOOTSTRAP_SERVERS}, ...) and {@code --set key=value} arguments,
 * in rising precedence. Exit codes: 143/130 after SIGTERM/SIGINT (the JVM's, once the shutdown hook has
 * closed the sink), 1 when the sink fails, 2 on a bad or unknown setting ({@link CommandLines}).
 */
@Command(name = "event-sink", mixinStandardHelpOptions = true,
        description = "Writes clean-events and event-definitions to SQLite or PostgreSQL. Settings: environment variables "
                + "(KAFKA_BOOTSTRAP_SERVERS, JDBC_URL, ...), --config, --set; see docs/event-sink.md.")
public final class SinkMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SinkMain.class);

    @Mixin
    ConfigOptions settings;

    public static void main(String[] args) {
        CommandLines.runAndExit(new SinkMain(), args);
    }

    @Override
    public Integer call() throws InterruptedException {
        // A ConfigException (bad or unknown key) leaves through CommandLines: one line, exit code 2.
        SinkConfig config = config(System.getenv());
        SinkService service;
        try {
            service = SinkService.start(config);
        } catch (ConfigException e) {
            throw e; // the management port in use: a setting to change, exit code 2
        } catch (RuntimeException e) {
            LOG.error("event-sink failed to start: {}", e.getMessage(), e);
            return 1;
        }
        Thread hook = new Thread(service::close, "event-sink-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        while (!service.awaitStopped(Duration.ofSeconds(1))) {
            // Wait for SIGTERM (the hook closes the service) or for the loop to fail on its own.
        }
        if (service.failure() != null) {
            LOG.error("event-sink stopped after a failure; exiting so that the supervisor restarts it");
            return 1;
        }
        return 0;
    }

    /** The settings of the command line just parsed, with {@code env} as the environment. */
    SinkConfig config(Map<String, String> env) {
        return new SinkConfig(settings.load(SinkConfig.DEF, env));
    }
}
