package dev.eventpipeline.dedupe;

import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.common.config.Durations;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.ops.JvmMeters;
import dev.eventpipeline.common.ops.ManagementServer;
import dev.eventpipeline.common.topics.RawEventsRetention;
import dev.eventpipeline.common.topics.Topic;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import dev.eventpipeline.dedupe.topology.DedupeTopology;
import dev.eventpipeline.dedupe.topology.PointLookupRocksDbConfig;
import dev.eventpipeline.dedupe.topology.TopologySettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running dedupe-stream: creates its topics, starts Kafka Streams with the topology, and serves the
 * management endpoints when a port is configured. {@link #start} returns once the threads are started,
 * without waiting for the group to be {@code RUNNING}; {@link #awaitRunning} waits for that.
 */
public final class DedupeService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DedupeService.class);

    /** Topics this service reads or writes; it creates the missing ones at start-up. */
    public static final List<Topic<?, ?>> TOPICS = List.of(
            Topics.RAW_EVENTS, Topics.CLEAN_EVENTS, Topics.DUPLICATE_EVENTS, Topics.DEAD_LETTER_EVENTS, Topics.EVENT_DEFINITIONS);

    private final DedupeConfig config;
    private final KafkaStreams streams;
    private final DedupeMetrics metrics;
    private final KafkaStreamsMetrics streamsMetrics;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch runningOrFailed = new CountDownLatch(1);
    private volatile ManagementServer management;
    private volatile JvmMeters jvmMeters;

    private DedupeService(DedupeConfig config, MeterRegistry registry) {
        this.config = config;
        this.metrics = new DedupeMetrics(registry);
        TopologySettings settings = settings(config, metrics);
        this.streams = new KafkaStreams(DedupeTopology.build(settings), streamsProperties(config, settings));
        this.streams.setStateListener((now, before) -> {
            LOG.info("dedupe-stream {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                runningOrFailed.countDown();
            }
        });
        this.streams.setUncaughtExceptionHandler(e -> {
            // Bad records never get here (they become dead letters). What does is a bug or a lasting
            // outage: stop the client so the process fails visibly and its supervisor restarts it.
            LOG.error("stream thread failed; shutting the dedupe-stream client down", e);
            failure.compareAndSet(null, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        this.streamsMetrics.bindTo(registry);
        Gauge.builder("dedupe.state.store.bytes", this, s -> s.stateBytesOnDisk())
                .description("bytes of this instance's local state stores on disk (RocksDB)").baseUnit("bytes").register(registry);
    }

    /**
     * The service on its own (its jar): creates the topics, starts the streams and (when
     * {@code management.port} ≥ 0) the management server, on a registry of its own with the JVM's meters.
     */
    public static DedupeService start(DedupeConfig config) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters jvm = JvmMeters.bindTo(registry);
        try {
            DedupeService service = start(config, registry);
            service.jvmMeters = jvm;
            return service;
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    /**
     * As {@link #start(DedupeConfig)}, counting into {@code registry}: a launcher that runs other services
     * in the same JVM shares one registry between them and binds the JVM meters to it itself, once.
     */
    public static DedupeService start(DedupeConfig config, MeterRegistry registry) {
        LOG.info("dedupe-stream configuration: {}", ConfigSources.effective(config));
        int port = config.getInt(DedupeConfig.MANAGEMENT_PORT);
        if (port >= 0 && !(registry instanceof PrometheusMeterRegistry)) {
            throw new IllegalArgumentException("the management server needs a PrometheusMeterRegistry");
        }
        ensureTopics(config);
        DedupeService service = new DedupeService(config, registry);
        service.upgradeFromNameKeyedTopology();
        service.streams.start();
        if (port >= 0) {
            try {
                service.management = ManagementServer.start(config.getString(DedupeConfig.MANAGEMENT_HOST), port,
                        (PrometheusMeterRegistry) registry, service::isRunning);
            } catch (RuntimeException e) {
                service.close();
                throw e;
            }
        }
        return service;
    }

    public static TopologySettings settings(DedupeConfig config, DedupeMetrics metrics) {
        return new TopologySettings(config.topicPrefix(), config.getString(DedupeConfig.APPLICATION_ID), config.dedupeWindow(),
                config.metadataDelay(), config.metadataCheckInterval(), metrics);
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Waits until the stream is {@code RUNNING}; throws with the reason when it fails or time runs out. */
    public void awaitRunning(Duration timeout) {
        try {
            if (!runningOrFailed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("dedupe-stream not RUNNING within " + timeout + " (state " + streams.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dedupe-stream to run", e);
        }
        if (streams.state() != KafkaStreams.State.RUNNING && !streams.state().isRunningOrRebalancing()) {
            throw new IllegalStateException("dedupe-stream is " + streams.state(), failure.get());
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    public DedupeMetrics metrics() {
        return metrics;
    }

    /** Stops the management server, then the streams (committing and leaving the group) within {@code shutdown.timeout}. */
    @Override
    public void close() {
        if (management != null) {
            management.close();
        }
        Duration timeout = config.shutdownTimeout();
        // Leave the group so the partitions move to another instance at once instead of after the session timeout.
        boolean closed = streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
        if (jvmMeters != null) {
            jvmMeters.close();
        }
        if (!closed) {
            LOG.warn("dedupe-stream did not close within {}; uncommitted work will be redone by the next owner", timeout);
        }
    }

    /** The Kafka Streams properties of this service (public so the benchmark runs its baseline with the same ones). */
    public static Properties streamsProperties(DedupeConfig config, TopologySettings settings) {
        Properties props = new Properties();
        props.putAll(KafkaSettings.clientProperties(config));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(DedupeConfig.APPLICATION_ID));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(DedupeConfig.STATE_DIR));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(DedupeConfig.NUM_STREAM_THREADS));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.getInt(DedupeConfig.NUM_STANDBY_REPLICAS));
        // Changelog and repartition topics get the same replication as the topics we create (-1: broker default).
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.getShort(KafkaSettings.TOPIC_REPLICATION_FACTOR));
        // Exactly once: consuming a raw record, the store updates and the outputs commit in one transaction,
        // so a crash at any moment neither loses an event nor lets a second copy into clean-events.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The default under exactly-once, written out: a transaction per 100 ms bounds end-to-end latency.
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // Set by exactly_once_v2 anyway; written out because downstream correctness depends on them.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.putAll(DedupeTopology.errorHandling(settings));
        // The dedupe window is read and written by single keys, most lookups miss: a memtable hashed on the
        // event id and memtable bloom filters (see PointLookupRocksDbConfig); kafka.rocksdb.config.setter overrides.
        props.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, PointLookupRocksDbConfig.class);
        return props;
    }

    /**
     * Creates the missing topics, and makes sure {@code raw-events} keeps records longer than this
     * instance's window (window + 7 days, {@link RawEventsRetention}) even when another service or an
     * earlier, shorter window created it: raised if shorter, never lowered. Also the topology's own
     * topics ({@code <application.id>-definition-requests}, {@code -raw-events-rekey}, {@code -dedupe-seed}):
     * whoever runs {@link DedupeTopology} outside this service (the benchmarks) calls this first.
     */
    public static void ensureTopics(DedupeConfig config) {
        Duration window = config.dedupeWindow();
        Duration rawRetention = RawEventsRetention.forWindow(window);
        Duration timeout = KafkaSettings.startupTimeout(config);
        try (Admin admin = Admin.create(KafkaSettings.clientProperties(config))) {
            TopicProvisioner topics = new TopicProvisioner(admin, config.topicPrefix(), config.getInt(KafkaSettings.TOPIC_PARTITIONS),
                    config.getShort(KafkaSettings.TOPIC_REPLICATION_FACTOR), timeout);
            topics.ensure(TOPICS, Map.of(Topics.RAW_EVENTS, rawRetention));
            topics.raiseRetention(Topics.RAW_EVENTS, rawRetention,
                    DedupeConfig.DEDUPE_WINDOW + " is " + Durations.format(window) + ", and raw-events must outlast it by "
                            + Durations.format(RawEventsRetention.BEYOND_WINDOW));
            TopologySettings settings = settings(config, DedupeMetrics.discarding());
            // The topology's own topics are read by the tasks of raw-events' partitions: as many partitions as
            // it has, whatever topic.partitions says. The hops hold what is on its way, so they keep it as long
            // as raw-events does; seeds carry timestamp 0, so only size-free retention keeps them.
            new ApplicationTopics(admin, Topics.RAW_EVENTS.name(config.topicPrefix()),
                    config.getShort(KafkaSettings.TOPIC_REPLICATION_FACTOR), timeout)
                    .ensure(Map.of(settings.definitionRequestsTopic(), rawRetention, settings.rekeyTopic(), rawRetention,
                            settings.seedTopic(), Duration.ofMillis(-1)));
        }
    }

    /**
     * Before the first start of the event-id-keyed topology on a deployment that ran the name-keyed one:
     * this instance's old local state is wiped (every store restores into the task that now owns it), and
     * the old de-duplication memory is re-partitioned into the seed topic (once for the deployment).
     */
    private void upgradeFromNameKeyedTopology() {
        Path stateDir = Path.of(config.getString(DedupeConfig.STATE_DIR), config.getString(DedupeConfig.APPLICATION_ID));
        if (NameKeyedUpgrade.hasNameKeyedState(stateDir)) {
            LOG.info("state of the name-keyed topology found in {}: wiping it; the stores restore from their changelogs", stateDir);
            streams.cleanUp();
        }
        Map<String, Object> client = KafkaSettings.clientProperties(config);
        try (Admin admin = Admin.create(client)) {
            new NameKeyedUpgrade(client, settings(config, DedupeMetrics.discarding()), KafkaSettings.startupTimeout(config))
                    .seedIfNeeded(admin, System.currentTimeMillis());
        }
    }

    private long stateBytesOnDisk() {
        Path dir = Path.of(config.getString(DedupeConfig.STATE_DIR), config.getString(DedupeConfig.APPLICATION_ID));
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(DedupeService::sizeOf).sum();
        } catch (IOException | UncheckedIOException e) {
            // RocksDB deletes files while we walk; a scrape then reports what it could count.
            LOG.debug("state directory walk interrupted: {}", e.toString());
            return 0;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // deleted by a compaction between listing and sizing: it no longer takes space
        }
    }
}
