package dev.eventpipeline.sink;

import dev.eventpipeline.common.config.CommandLineSettings;
import dev.eventpipeline.common.config.ConfigSources;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar event-sink/target/event-sink.jar [--config FILE] [--set key=value ...]}: the sink in
 * distributed mode. Settings come from the defaults, the optional properties file, environment
 * variables ({@code JDBC_URL}, {@code KAFKA_BOOTSTRAP_SERVERS}, ...) and {@code --set key=value} arguments,
 * in rising precedence. Exit codes: 143/130 after SIGTERM/SIGINT (the JVM's, once the shutdown hook has
 * closed the sink), 1 when the sink fails, 2 on bad settings.
 */
public final class SinkMain {

    private static final Logger LOG = LoggerFactory.getLogger(SinkMain.class);

    private SinkMain() {}

    public static void main(String[] args) throws InterruptedException {
        SinkConfig config;
        try {
            config = parse(args, System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("event-sink: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("event-sink configuration: {}", ConfigSources.redacted(config.values()));
        SinkService service;
        try {
            service = SinkService.start(config);
        } catch (RuntimeException e) {
            LOG.error("event-sink failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Thread hook = new Thread(service::close, "event-sink-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        while (!service.awaitStopped(Duration.ofSeconds(1))) {
            // Wait for SIGTERM (the hook closes the service) or for the loop to fail on its own.
        }
        if (service.failure() != null) {
            LOG.error("event-sink stopped after a failure; exiting so that the supervisor restarts it");
            System.exit(1);
        }
    }

    static SinkConfig parse(String[] args, Map<String, String> env) {
        CommandLineSettings cli = CommandLineSettings.parse(args);
        return new SinkConfig(ConfigSources.load(SinkConfig.DEF, env, cli.configFile(), cli.overrides()));
    }
}
