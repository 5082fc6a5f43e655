package dev.eventpipeline.standalone;

import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.dedupe.DedupeConfig;
import dev.eventpipeline.dedupe.DedupeService;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.IngestService;
import dev.eventpipeline.sink.SinkConfig;
import dev.eventpipeline.sink.SinkService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker and the three services in one JVM, wired through the same configuration keys the
 * distributed jars read. Started in dependency order; closed in reverse: HTTP first (no new
 * acknowledgements), then the stream (commits its last transaction), the sink (commits its last
 * batch), the broker last.
 */
final class StandalonePipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandalonePipeline.class);

    /** Long enough for a cold start of all four parts on a loaded 2-core machine. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final StandaloneOptions options;
    private EmbeddedKafkaBroker broker;
    private IngestService ingest;
    private String token;
    private boolean generatedToken;

    private StandalonePipeline(StandaloneOptions options) {
        this.options = options;
    }

    static StandalonePipeline start(StandaloneOptions options) {
        StandalonePipeline pipeline = new StandalonePipeline(options);
        try {
            pipeline.startAll();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll() {
        long t0 = System.nanoTime();
        generatedToken = options.devToken() == null || options.devToken().isBlank();
        token = DevToken.resolve(options.dataDir(), options.devToken());

        broker = EmbeddedKafkaBroker.builder(options.dataDir().resolve("kafka"))
                .port(options.kafkaPort())
                .startupTimeout(STARTUP_TIMEOUT)
                .build()
                .start();
        started.push(broker);

        Map<String, Object> kafka = new HashMap<>();
        kafka.put(KafkaSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        kafka.put(KafkaSettings.TOPIC_PARTITIONS, options.topicPartitions());
        kafka.put(KafkaSettings.TOPIC_REPLICATION_FACTOR, "1");
        kafka.put(KafkaSettings.STARTUP_TIMEOUT, STARTUP_TIMEOUT.toSeconds() + "s");

        Map<String, Object> sinkProps = new HashMap<>(kafka);
        sinkProps.put("jdbc.url", options.effectiveJdbcUrl());
        sinkProps.put("management.port", -1);
        SinkService sink = SinkService.start(new SinkConfig(sinkProps));
        started.push(sink);

        Map<String, Object> dedupeProps = new HashMap<>(kafka);
        dedupeProps.put("state.dir", options.dataDir().resolve("streams").toString());
        dedupeProps.put("dedupe.window", options.dedupeWindow().toString());
        dedupeProps.put("metadata.delay", options.metadataDelay().toString());
        dedupeProps.put("management.port", -1);
        DedupeService dedupe = DedupeService.start(new DedupeConfig(dedupeProps));
        started.push(dedupe);

        Map<String, Object> ingestProps = new HashMap<>(kafka);
        ingestProps.put("http.host", options.httpHost());
        ingestProps.put("http.port", options.httpPort());
        ingestProps.put("auth.dev.token", token);
        // GET /events reads what the sink wrote, through its own read-only pool: one port serves POST and GET.
        ingestProps.put("store.jdbc.url", options.effectiveJdbcUrl());
        Path tokens = options.dataDir().resolve(TokenCreate.FILE);
        if (Files.exists(tokens)) {
            // Tokens made with 'event-pipeline.jar token create' (digests only), read at start-up.
            ingestProps.put("auth.tokens.file", tokens.toString());
        }
        ingest = IngestService.start(new IngestConfig(ingestProps));
        started.push(ingest);

        dedupe.awaitRunning(STARTUP_TIMEOUT);
        await("event-sink", sink::isReady);
        await("ingest-api", ingest::isReady);
        LOG.info("standalone pipeline ready in {} ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    /** The one line scripts and tests wait for. */
    String readyLine() {
        String url = "http://" + ("0.0.0.0".equals(options.httpHost()) ? "127.0.0.1" : options.httpHost()) + ":" + ingest.port();
        String tokenNote = generatedToken
                ? "token=" + token + " (generated once, kept in " + options.dataDir().resolve(DevToken.FILE) + ")"
                : "token=(as given by --dev-token)";
        return "READY ingest=" + url + " kafka=" + broker.bootstrapServers() + " sink=" + options.effectiveJdbcUrl()
                + " workspace=dev " + tokenNote;
    }

    private static void await(String what, BooleanSupplier ready) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not ready within " + STARTUP_TIMEOUT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                // Keep closing the rest: a stuck sink must not keep the broker's files open.
                LOG.error("closing {} failed", part.getClass().getSimpleName(), e);
            }
        }
        LOG.info("standalone pipeline stopped");
    }
}
