package dev.eventpipeline.standalone;

import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.config.Redaction;
import dev.eventpipeline.common.ops.JvmMeters;
import dev.eventpipeline.common.ops.Readiness;
import dev.eventpipeline.dedupe.DedupeService;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.IngestService;
import dev.eventpipeline.sink.SinkService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker and the three services in one JVM, configured as their jars are ({@link StandaloneSettings}).
 * Started in dependency order; closed in reverse: HTTP first (no new acknowledgements), then the stream
 * (commits its last transaction), the sink (commits its last batch), the broker last.
 *
 * <p>One Prometheus registry holds every service's meters and the JVM's (bound once, here); the API's
 * {@code /metrics} serves it, and the API's {@code /readyz} is 200 only when the stream is RUNNING and the
 * sink runs with its database available, besides ingest-api's own checks (Kafka, the contact view). No
 * service opens a management port of its own.
 */
final class StandalonePipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandalonePipeline.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final EmbeddedKafkaBroker broker;
    private final StandaloneSettings settings;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private IngestService ingest;

    private StandalonePipeline(EmbeddedKafkaBroker broker, StandaloneSettings settings) {
        this.broker = broker;
        this.settings = settings;
    }

    static StandalonePipeline start(EmbeddedKafkaBroker broker, StandaloneSettings settings) {
        StandalonePipeline pipeline = new StandalonePipeline(broker, settings);
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
        started.push(JvmMeters.bindTo(registry));
        started.push(broker);
        broker.start();

        SinkService sink = SinkService.start(settings.sink(), registry);
        started.push(sink);
        DedupeService dedupe = DedupeService.start(settings.dedupe(), registry);
        started.push(dedupe);
        Readiness others = new Readiness().with("dedupe-stream", dedupe::isRunning).with("event-sink", sink::isReady);
        ingest = IngestService.start(settings.ingest(), registry, others);
        started.push(ingest);

        dedupe.awaitRunning(KafkaSettings.startupTimeout(settings.dedupe()));
        await("event-sink", sink::isReady, settings.sink().startupTimeout());
        await("ingest-api", ingest::isReady, settings.ingest().startupTimeout());
        LOG.info("standalone pipeline ready in {} ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    /** The one line scripts and tests wait for. */
    String readyLine() {
        return readyLine(settings, ingest.port(), broker.bootstrapServers());
    }

    /** The READY line: where the API, the broker and the database are (its URL's credentials hidden), and the dev token. */
    static String readyLine(StandaloneSettings settings, int apiPort, String bootstrapServers) {
        IngestConfig api = settings.ingest();
        String host = "0.0.0.0".equals(api.httpHost()) ? "127.0.0.1" : api.httpHost();
        String tokenNote = settings.tokenGenerated()
                ? "token=" + api.devToken() + " (generated once, kept in " + settings.dataDir().resolve(DevToken.FILE) + ")"
                : "token=(as given by --dev-token)";
        return "READY ingest=http://" + host + ":" + apiPort + " kafka=" + bootstrapServers
                + " sink=" + Redaction.hideUrlCredentials(settings.sink().jdbcUrl())
                + " workspace=" + api.devWorkspace() + " " + tokenNote;
    }

    private static void await(String what, BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " not ready within " + timeout);
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
