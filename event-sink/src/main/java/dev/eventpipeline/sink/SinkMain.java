package dev.eventpipeline.sink;

import dev.eventpipeline.common.config.ConfigSources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar event-sink/target/event-sink.jar [--config FILE] [key=value ...]}: the sink in
 * distributed mode. Settings come from the defaults, the optional properties file, environment
 * variables ({@code JDBC_URL}, {@code KAFKA_BOOTSTRAP_SERVERS}, ...) and {@code key=value} arguments,
 * in rising precedence. Exit codes: 0 after SIGTERM/SIGINT, 1 when the sink fails, 2 on bad settings.
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
        Path file = null;
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a file");
                }
                file = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
            } else if (arg.contains("=") && !arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                overrides.put(arg.substring(0, eq), arg.substring(eq + 1));
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; use [--config FILE] [key=value ...]");
            }
        }
        return new SinkConfig(ConfigSources.load(SinkConfig.DEF, env, file, overrides));
    }
}
