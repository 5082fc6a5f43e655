package dev.eventpipeline.standalone;

import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.config.SettingsRouter;
import dev.eventpipeline.common.config.SettingsRouter.Source;
import dev.eventpipeline.common.ops.ManagementServer;
import dev.eventpipeline.dedupe.DedupeConfig;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.sink.SinkConfig;
import dev.eventpipeline.store.ReadPoolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the standalone pipeline, resolved and validated before anything starts: the three
 * services' own settings, with the names of their jars, routed by {@link SettingsRouter} (a plain key
 * goes to every service declaring it; {@code ingest.}, {@code dedupe.} or {@code sink.} before a key aims
 * it at one service).
 *
 * <p>Sources, lowest precedence first: each service's declared defaults; the standalone's own defaults
 * ({@link #standaloneDefaults}); {@code --config FILE}; the environment; the command line, where a
 * convenience option ({@code --http-port 9000}) is the same as {@code --set http.port=9000} and giving
 * both for one key is refused. Keys the launcher owns are refused ({@link #router}).
 */
record StandaloneSettings(Path dataDir, IngestConfig ingest, DedupeConfig dedupe, SinkConfig sink, boolean tokenGenerated) {

    static final String INGEST = "ingest";
    static final String DEDUPE = "dedupe";
    static final String SINK = "sink";

    /** The services' settings by scope word, in start-up order of the messages. */
    static final Map<String, ConfigDef> SERVICES = services();

    /**
     * Routes and validates every source. A key no service declares, a key the launcher owns, or a bad value
     * is a {@link ConfigException} naming it.
     */
    static StandaloneSettings resolve(StandaloneMain cli, Path dataDir, String bootstrapServers, Map<String, String> env) {
        List<Source> sources = new ArrayList<>();
        sources.add(Source.of("the standalone's defaults", standaloneDefaults(dataDir)));
        if (cli.settings.configFile() != null) {
            sources.add(Source.of(cli.settings.configFile().toString(), ConfigSources.readProperties(cli.settings.configFile())));
        }
        SettingsRouter router = router(dataDir, bootstrapServers);
        sources.add(router.environment(env));
        sources.add(Source.of("the command line", commandLine(cli)));
        Map<String, Map<String, Object>> routed = router.route(sources);

        Map<String, Object> ingest = routed.get(INGEST);
        // GET /events reads what the sink writes, through its own read-only pool: one port serves POST and GET.
        // The sink's database unless the read side is aimed elsewhere (ingest.store.* or store.*).
        Map<String, Object> sink = routed.get(SINK);
        copyIfAbsent(sink, SinkConfig.JDBC_URL, ingest, ReadPoolSettings.JDBC_URL);
        copyIfAbsent(sink, SinkConfig.JDBC_USER, ingest, ReadPoolSettings.JDBC_USER);
        copyIfAbsent(sink, SinkConfig.JDBC_PASSWORD, ingest, ReadPoolSettings.JDBC_PASSWORD);
        Object given = ingest.get(IngestConfig.AUTH_DEV_TOKEN);
        String token = DevToken.resolve(dataDir, given == null ? null : given.toString());
        ingest.put(IngestConfig.AUTH_DEV_TOKEN, token);
        boolean generated = given == null || given.toString().isBlank();
        return new StandaloneSettings(dataDir,
                validated("ingest-api", IngestConfig::new, ingest),
                validated("dedupe-stream", DedupeConfig::new, routed.get(DEDUPE)),
                validated("event-sink", SinkConfig::new, routed.get(SINK)),
                generated);
    }

    /**
     * The keys this launcher owns, each refused with what to use instead: its embedded broker's address,
     * the replication a single broker can give, the Streams state under {@code --data-dir}, and no
     * management ports (the API port serves every service's /healthz, /readyz and /metrics).
     */
    static SettingsRouter router(Path dataDir, String bootstrapServers) {
        String onTheApiPort = "the standalone serves /healthz, /readyz and /metrics of every service on the API port (--http-port)";
        return new SettingsRouter(SERVICES)
                .fixed(KafkaSettings.BOOTSTRAP_SERVERS, bootstrapServers, "it is the embedded broker's address; use --kafka-port")
                .fixed(KafkaSettings.TOPIC_REPLICATION_FACTOR, "1", "the embedded broker is a single node")
                .fixed(DedupeConfig.STATE_DIR, dataDir.resolve("streams").toString(), "it is <data-dir>/streams; use --data-dir")
                .fixed(ManagementServer.PORT, "-1", onTheApiPort)
                .fixed(ManagementServer.HOST, "127.0.0.1", onTheApiPort);
    }

    /**
     * Where the standalone's defaults differ from the services': the API on this machine only, on 8080;
     * fewer partitions (one broker, one instance of each service); a longer start-up for a cold start of
     * four parts on a loaded 2-core machine; the database and the token file in the data directory.
     */
    static Map<String, String> standaloneDefaults(Path dataDir) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(IngestConfig.HTTP_HOST, "127.0.0.1");
        defaults.put(IngestConfig.HTTP_PORT, "8080");
        defaults.put(KafkaSettings.TOPIC_PARTITIONS, "4");
        defaults.put(KafkaSettings.STARTUP_TIMEOUT, "120s");
        defaults.put(SinkConfig.JDBC_URL, "jdbc:sqlite:" + dataDir.resolve("events.db"));
        Path tokens = dataDir.resolve(TokenCreate.FILE);
        if (Files.exists(tokens)) {
            // Tokens made with 'event-pipeline.jar token create' (digests only), read at start-up.
            defaults.put(IngestConfig.AUTH_TOKENS_FILE, tokens.toString());
        }
        return defaults;
    }

    /** {@code --set} plus the convenience options, each of which is {@code --set <its key>=<value>}. */
    private static Map<String, String> commandLine(StandaloneMain cli) {
        Map<String, String> settings = new LinkedHashMap<>(cli.settings.overrides());
        option(settings, "--http-port", IngestConfig.HTTP_PORT, cli.httpPort);
        option(settings, "--http-host", IngestConfig.HTTP_HOST, cli.httpHost);
        option(settings, "--dev-token", IngestConfig.AUTH_DEV_TOKEN, cli.devToken);
        option(settings, "--metadata-delay", DedupeConfig.METADATA_DELAY, cli.metadataDelay);
        option(settings, "--dedupe-window", DedupeConfig.DEDUPE_WINDOW, cli.dedupeWindow);
        option(settings, "--sink-jdbc-url", SinkConfig.JDBC_URL, cli.sinkJdbcUrl);
        option(settings, "--topic-partitions", KafkaSettings.TOPIC_PARTITIONS, cli.topicPartitions);
        return settings;
    }

    private static void copyIfAbsent(Map<String, Object> from, String fromKey, Map<String, Object> to, String toKey) {
        Object value = from.get(fromKey);
        if (value != null) {
            to.putIfAbsent(toKey, value);
        }
    }

    private static void option(Map<String, String> settings, String option, String key, Object value) {
        if (value == null) {
            return;
        }
        if (settings.containsKey(key)) {
            throw new ConfigException(option + " and --set " + key + " both set " + key + ": give one");
        }
        settings.put(key, value.toString());
    }

    private static <C> C validated(String service, Function<Map<String, Object>, C> config, Map<String, Object> settings) {
        try {
            return config.apply(settings);
        } catch (ConfigException e) {
            // The key alone may be declared by two services (shutdown.timeout): say whose value is wrong.
            throw new ConfigException(service + ": " + e.getMessage());
        }
    }

    private static Map<String, ConfigDef> services() {
        Map<String, ConfigDef> services = new LinkedHashMap<>();
        services.put(INGEST, IngestConfig.DEF);
        services.put(DEDUPE, DedupeConfig.DEF);
        services.put(SINK, SinkConfig.DEF);
        return services;
    }
}
