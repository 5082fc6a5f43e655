package dev.eventpipeline.sink;

import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.config.Redaction;
import dev.eventpipeline.common.ops.JvmMeters;
import dev.eventpipeline.common.ops.ManagementServer;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.topics.Topic;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.sink.consume.RecordDecoder;
import dev.eventpipeline.sink.consume.SinkLoop;
import dev.eventpipeline.sink.ops.SinkMetrics;
import dev.eventpipeline.sink.store.Database;
import dev.eventpipeline.sink.store.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code event-sink} as a component: started by {@link SinkMain} in distributed mode and by the
 * standalone launcher in one JVM with the other services.
 *
 * <p>Start-up: the database (waited for and migrated), the topics it reads and writes (created if
 * missing), then the consumer thread. Shutdown in reverse: the loop writes its last batch and commits,
 * then the dead-letter producer and the database pool close.
 */
public final class SinkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);

    private final SinkConfig config;
    private final Database database;
    private final Producer<String, DeadLetter> deadLetters;
    private final SinkLoop loop;
    private final Thread thread;
    private final MeterRegistry registry;
    private ManagementServer management;
    private final AtomicBoolean closed = new AtomicBoolean();
    private JvmMeters jvmMeters;

    private SinkService(SinkConfig config, Database database, Producer<String, DeadLetter> deadLetters,
                        SinkLoop loop, MeterRegistry registry) {
        this.config = config;
        this.database = database;
        this.deadLetters = deadLetters;
        this.loop = loop;
        this.registry = registry;
        this.thread = new Thread(loop, "event-sink-loop");
    }

    /**
     * The service on its own (its jar): a registry of its own with the JVM's meters, served on the
     * management port when {@code management.port} ≥ 0.
     */
    public static SinkService start(SinkConfig config) {
        return start(config, records -> { });
    }

    /**
     * As {@link #start(SinkConfig)}, counting into {@code registry}: a launcher that runs other services in
     * the same JVM shares one registry between them and binds the JVM meters to it itself, once.
     */
    public static SinkService start(SinkConfig config, MeterRegistry registry) {
        return start(config, registry, null, records -> { });
    }

    /** With a fault-injection point between database commit and offset commit (tests only). */
    static SinkService start(SinkConfig config, SinkLoop.AfterDatabaseCommit afterDatabaseCommit) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters jvm = JvmMeters.bindTo(registry);
        try {
            return start(config, registry, jvm, afterDatabaseCommit);
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    private static SinkService start(SinkConfig config, MeterRegistry registry, JvmMeters jvmMeters,
                                     SinkLoop.AfterDatabaseCommit afterDatabaseCommit) {
        LOG.info("event-sink configuration: {}", ConfigSources.effective(config));
        if (config.managementPort() >= 0 && !(registry instanceof PrometheusMeterRegistry)) {
            throw new IllegalArgumentException("the management server needs a PrometheusMeterRegistry");
        }
        Duration startupTimeout = config.startupTimeout();
        Database database = Database.open(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), config.dbConnectTimeout());
        Producer<String, DeadLetter> deadLetters = null;
        try {
            database.awaitAndMigrate(startupTimeout);
            provisionTopics(config, startupTimeout);

            SinkMetrics metrics = new SinkMetrics(registry);
            String prefix = config.topicPrefix();
            deadLetters = new KafkaProducer<>(producerProperties(config), new StringSerializer(),
                    Topics.DEAD_LETTER_EVENTS.valueSerde().serializer());
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            SinkLoop loop = new SinkLoop(consumer, deadLetters, Topics.DEAD_LETTER_EVENTS.name(prefix),
                    List.of(Topics.CLEAN_EVENTS.name(prefix), Topics.EVENT_DEFINITIONS.name(prefix)),
                    new EventStore(database), new RecordDecoder(prefix), metrics,
                    new SinkLoop.Settings(config.batchSize(), config.batchLinger(), config.offsetCommitInterval(),
                            config.retryBackoffInitial(), config.retryBackoffMax(), config.shutdownTimeout()),
                    afterDatabaseCommit);
            SinkService service = new SinkService(config, database, deadLetters, loop, registry);
            service.jvmMeters = jvmMeters;
            service.thread.start();
            if (config.managementPort() >= 0) {
                try {
                    service.startManagement();
                } catch (RuntimeException e) {
                    service.close();
                    throw e;
                }
            }
            LOG.info("event-sink started: {} -> {}", List.of(Topics.CLEAN_EVENTS.name(prefix),
                    Topics.EVENT_DEFINITIONS.name(prefix)), Redaction.hideUrlCredentials(config.jdbcUrl()));
            return service;
        } catch (RuntimeException e) {
            if (deadLetters != null) {
                deadLetters.close(Duration.ZERO);
            }
            database.close();
            throw e;
        }
    }

    /** The management port of distributed mode; standalone passes -1 and serves one for all services. */
    private void startManagement() {
        management = ManagementServer.start(config.managementHost(), config.managementPort(), (PrometheusMeterRegistry) registry,
                this::isReady);
    }

    /** The management server's port, or -1 when none runs. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    private static void provisionTopics(SinkConfig config, Duration timeout) {
        Admin admin = Admin.create(KafkaSettings.clientProperties(config));
        try {
            List<Topic<?, ?>> topics = List.of(Topics.CLEAN_EVENTS, Topics.EVENT_DEFINITIONS, Topics.DEAD_LETTER_EVENTS);
            new TopicProvisioner(admin, config.topicPrefix(), config.getInt(KafkaSettings.TOPIC_PARTITIONS),
                    config.getShort(KafkaSettings.TOPIC_REPLICATION_FACTOR), timeout).ensure(topics, Map.of());
        } finally {
            // Bounded: after a failed start-up the admin's pending calls would otherwise hold the exit for a minute.
            admin.close(Duration.ofSeconds(5));
        }
    }

    static Map<String, Object> consumerProperties(SinkConfig config) {
        Map<String, Object> p = new HashMap<>(KafkaSettings.clientProperties(config));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // Only what dedupe-stream committed: an aborted transaction's records must never become rows.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed by hand, after the database commit of the same records.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts at the beginning: every clean event already in Kafka must reach the database.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One poll returns at most one batch, so a batch never waits behind a larger backlog in memory.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchSize());
        return p;
    }

    static Map<String, Object> producerProperties(SinkConfig config) {
        Map<String, Object> p = new HashMap<>(KafkaSettings.clientProperties(config));
        // A dead letter replaces a record whose offset we then commit: it must be fully replicated first.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries must not write a dead letter twice.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return p;
    }

    /** True while the consumer thread runs and the database accepts writes. */
    public boolean isReady() {
        return loop.isRunning() && loop.isDatabaseAvailable();
    }

    /** True while the consumer thread runs (it may be paused waiting for the database). */
    public boolean isAlive() {
        return loop.isRunning();
    }

    /** Why the consumer thread stopped on its own, or null. */
    public Throwable failure() {
        return loop.failure();
    }

    public MeterRegistry meterRegistry() {
        return registry;
    }

    public SinkConfig config() {
        return config;
    }

    /** Waits until the consumer thread has stopped (by {@link #close()} or by a failure). */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return loop.awaitStopped(timeout);
    }

    /** Writes the last batch, commits its offsets, leaves the group and closes, within shutdown.timeout. */
    @Override
    public void close() {
        // Idempotent: standalone and a shutdown hook may both close it.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration timeout = config.shutdownTimeout();
        if (management != null) {
            management.close();
        }
        if (jvmMeters != null) {
            jvmMeters.close();
        }
        loop.stop();
        try {
            if (!loop.awaitStopped(timeout)) {
                LOG.warn("event-sink loop did not stop within {}; unwritten records are read again on restart", timeout);
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deadLetters.close(timeout);
            database.close();
            LOG.info("event-sink stopped");
        }
    }
}
