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
import dev.eventpipeline.ingest.ratelimit.UsageSync;
import dev.eventpipeline.store.Database;
import dev.eventpipeline.store.EventQueries;
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
 * The running service: topics ensured, contact view restored, one producer, the rate-limit sync, the
 * HTTP server. Start-up order is topics, producer, contact loader, rate-limit sync, HTTP; {@link #close()}
 * reverses it.
 */
public final class IngestService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final Duration RATE_LIMIT_USAGE_RETENTION = Duration.ofMinutes(10);

    private final KafkaEventLog log;
    private final ContactTopicLoader loader;
    private final UsageSync rateLimitSync;
    private final IngestApp http;
    /** The read-only pool of GET /events; closed after HTTP, so no read is cut off. */
    private final Database reads;
    private final java.time.Duration drainTimeout;
    private final Readiness ready;
    private final JvmMeters jvmMeters;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private IngestService(KafkaEventLog log, ContactTopicLoader loader, UsageSync rateLimitSync, IngestApp http, Database reads,
                          Readiness ready, JvmMeters jvmMeters, Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
        this.log = log;
        this.loader = loader;
        this.rateLimitSync = rateLimitSync;
        this.http = http;
        this.reads = reads;
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
        UsageSync sync = null;
        // Connects nothing yet (the sink may not have created the store): each read opens what it needs.
        Database reads = Database.openForReads(config.readPool());
        try {
            log.warmUp(startup);
            loader = new ContactTopicLoader(client, config.topicPrefix(), directory, registry).start();
            registry.gauge("ingest_contacts_view_size", directory, ContactDirectory::size);
            if (!loader.awaitCaughtUp(startup)) {
                throw new IllegalStateException("the contact directory was not restored from its topic within " + startup);
            }
            RateLimiter rateLimiter = new RateLimiter(clock);
            sync = new UsageSync(rateLimiter, client, config.topicPrefix(), config.rateLimitSyncInterval(), registry).start();
            // What /readyz needs besides Kafka (which IngestApp checks itself): the contact view, then the
            // launcher's other services. A Readiness names the parts that are not ready.
            Readiness ready = new Readiness().with("contact directory", loader::isCaughtUp).with(others);
            IngestApp http = IngestApp.create(config.httpHost(), config.httpPort(), HttpLimits.from(config), tokens, directory, log,
                    new EventQueries(reads), rateLimiter, registry, clock, ready).start();
            LOG.info("ingest-api listening on {}:{} (contacts mode {})", config.httpHost(), http.port(),
                    config.getString(IngestConfig.CONTACTS_MODE));
            // In-flight writes wait at most produce.timeout for Kafka; a little more lets them answer.
            return new IngestService(log, loader, sync, http, reads, ready, jvmMeters, config.produceTimeout().plusSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reads.close();
            closeQuietly(sync, loader, log);
            throw new IllegalStateException("interrupted while starting ingest-api", e);
        } catch (RuntimeException e) {
            reads.close();
            closeQuietly(sync, loader, log);
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
            // One partition: every instance reads all of it, and a few reports a second need no more. Only the
            // current window matters; ten minutes keeps enough to look at while bounding the disk it takes.
            new TopicProvisioner(admin, config.topicPrefix(), 1, config.getShort(KafkaSettings.TOPIC_REPLICATION_FACTOR), timeout)
                    .ensure(List.of(Topics.RATE_LIMIT_USAGE), Map.of(Topics.RATE_LIMIT_USAGE, RATE_LIMIT_USAGE_RETENTION));
        }
    }

    private static void closeQuietly(UsageSync sync, ContactTopicLoader loader, KafkaEventLog log) {
        if (sync != null) {
            sync.close();
        }
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

    /**
     * The reverse of start-up: HTTP first (new writes 503, in-flight requests finish), then the rate-limit
     * sync, the contact loader, and last the producer, flushed so every accepted write is acknowledged.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // a shutdown hook and an explicit close may both call this
        }
        http.drain(drainTimeout);
        http.stop();
        reads.close();
        rateLimitSync.close();
        loader.close();
        log.close();
        if (jvmMeters != null) {
            jvmMeters.close();
        }
        LOG.info("ingest-api stopped");
    }
}
