package dev.eventpipeline.ingest;

import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.ops.JvmMeters;
import dev.eventpipeline.common.ops.Readiness;
import dev.eventpipeline.common.topics.RawEventsRetention;
import dev.eventpipeline.common.topics.Topic;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.contacts.ContactTopicLoader;
import dev.eventpipeline.ingest.http.HttpLimits;
import dev.eventpipeline.ingest.http.IngestApp;
import dev.eventpipeline.ingest.publish.KafkaEventLog;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: topics ensured, contact view restored, one producer, the HTTP server.
 * Start-up order is topics, producer, contact loader, HTTP; {@link #close()} reverses it.
 */
public final class IngestService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final KafkaEventLog log;
    private final ContactTopicLoader loader;
    private final IngestApp http;
    private final java.time.Duration drainTimeout;
    private final Readiness ready;
    private final JvmMeters jvmMeters;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private IngestService(KafkaEventLog log, ContactTopicLoader loader, IngestApp http, Readiness ready, JvmMeters jvmMeters,
                          Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
        this.log = log;
        this.loader = loader;
        this.http = http;
        this.ready = ready;
        this.jvmMeters = jvmMeters;
    }

    /**
     * The service on its own (its jar): creates raw-events and contacts when missing, starts the producer
     * and the contact loader, waits (up to {@code startup.timeout}) for the contact view to be restored,
     * then binds the HTTP port. {@code /metrics} shows a registry of its own, JVM meters included.
     */
    public static IngestService start(IngestConfig config) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters jvm = JvmMeters.bindTo(registry);
        try {
            return start(config, registry, new Readiness(), jvm);
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    /**
     * As {@link #start(IngestConfig)}, inside a launcher that runs other services in the same JVM: the
     * API's {@code /metrics} shows {@code registry}, which the other services count into too (the caller
     * binds the JVM meters to it, once), and {@code /readyz} is 200 only when {@code others} is ready too.
     */
    public static IngestService start(IngestConfig config, PrometheusMeterRegistry registry, Readiness others) {
        return start(config, registry, others, null);
    }

    private static IngestService start(IngestConfig config, PrometheusMeterRegistry registry, Readiness others, JvmMeters jvmMeters) {
        LOG.info("ingest-api configuration: {}", ConfigSources.effective(config));
        Map<String, Object> client = KafkaSettings.clientProperties(config);
        Duration startup = config.startupTimeout();
        TokenRegistry tokens = TokenRegistry.load(config.tokensFile().isBlank() ? null : Path.of(config.tokensFile()),
                config.devToken(), config.devWorkspace());
        if (tokens.size() == 0) {
            LOG.warn("no tokens registered (set {} or {}): every request will get 401", IngestConfig.AUTH_TOKENS_FILE, IngestConfig.AUTH_DEV_TOKEN);
        } else {
            LOG.info("tokens registered per workspace: {}", tokens.countByWorkspace());
        }
        ensureTopics(config, client, startup);

        Clock clock = Clock.systemUTC();
        ContactDirectory directory = new ContactDirectory(config.trustMode(), clock);
        KafkaEventLog log = new KafkaEventLog(client, config.topicPrefix(), config.produceTimeout(), config.produceMaxBlock(),
                config.produceLinger(), config.getInt(IngestConfig.MAX_IN_FLIGHT_REQUESTS), registry);
        ContactTopicLoader loader = null;
        try {
            log.warmUp(startup);
            loader = new ContactTopicLoader(client, config.topicPrefix(), directory, registry).start();
            registry.gauge("ingest_contacts_view_size", directory, ContactDirectory::size);
            if (!loader.awaitCaughtUp(startup)) {
                throw new IllegalStateException("the contact directory was not restored from its topic within " + startup);
            }
            // What /readyz needs besides Kafka (which IngestApp checks itself): the contact view, then the
            // launcher's other services. A Readiness names the parts that are not ready.
            Readiness ready = new Readiness().with("contact directory", loader::isCaughtUp).with(others);
            IngestApp http = IngestApp.create(config.httpHost(), config.httpPort(), HttpLimits.from(config), tokens, directory, log,
                    new RateLimiter(clock), registry, clock, ready).start();
            LOG.info("ingest-api listening on {}:{} (contacts mode {})", config.httpHost(), http.port(),
                    config.getString(IngestConfig.CONTACTS_MODE));
            // In-flight writes wait at most produce.timeout for Kafka; a little more lets them answer.
            return new IngestService(log, loader, http, ready, jvmMeters, config.produceTimeout().plusSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(loader, log);
            throw new IllegalStateException("interrupted while starting ingest-api", e);
        } catch (RuntimeException e) {
            closeQuietly(loader, log);
            throw e;
        }
    }

    private static void ensureTopics(IngestConfig config, Map<String, Object> client, Duration timeout) {
        try (Admin admin = Admin.create(client)) {
            List<Topic<?, ?>> topics = List.of(Topics.RAW_EVENTS, Topics.CONTACTS);
            new TopicProvisioner(admin, config.topicPrefix(), config.getInt(KafkaSettings.TOPIC_PARTITIONS),
                    config.getShort(KafkaSettings.TOPIC_REPLICATION_FACTOR), timeout)
                    // ingest-api does not know the de-duplication window: the default's retention, which
                    // dedupe-stream raises at its start if its window needs more (RawEventsRetention).
                    .ensure(topics, Map.of(Topics.RAW_EVENTS, RawEventsRetention.forWindow(RawEventsRetention.DEFAULT_DEDUPE_WINDOW)));
        }
    }

    private static void closeQuietly(ContactTopicLoader loader, KafkaEventLog log) {
        if (loader != null) {
            loader.close();
        }
        log.close();
    }

    public int port() {
        return http.port();
    }

    /** What {@code /readyz} answers: Kafka reachable, the contact view caught up, and the launcher's other services ready. */
    public boolean isReady() {
        return log.isReachable() && ready.getAsBoolean();
    }

    /** HTTP first (new writes 503, in-flight requests finish), then the producer is flushed and closed, then the loader. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // a shutdown hook and an explicit close may both call this
        }
        http.drain(drainTimeout);
        http.stop();
        log.close();
        loader.close();
        if (jvmMeters != null) {
            jvmMeters.close();
        }
        LOG.info("ingest-api stopped");
    }
}
