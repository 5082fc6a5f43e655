package dev.eventpipeline.ingest.ratelimit;

import dev.eventpipeline.common.records.RateLimitUsage;
import dev.eventpipeline.common.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares this instance's rate-limit counts with every other ingest-api instance through the
 * {@code rate-limit-usage} topic, so that together they enforce one limit per app and per workspace
 * (docs/rate-limits.md). Every {@code interval} a publisher thread writes the counts that changed; a
 * consumer thread reads every instance's reports and hands them to the {@link RateLimiter}. Neither ever
 * runs on a request thread.
 *
 * <p>Reports are cumulative per window, so this needs no delivery guarantee: a lost report is replaced by
 * the next, a repeated one changes nothing ({@code acks=1}, no idempotence, no retries beyond one interval).
 * At start the consumer reads back the last two windows, so a restarted instance counts what it (under its
 * old id) and its peers admitted before.
 */
public final class UsageSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageSync.class);
    /** A report of at most this many counts; a busier instance writes several. Keeps records far below max.request.size. */
    private static final int MAX_COUNTS_PER_REPORT = 2_000;

    private final RateLimiter limiter;
    private final String instanceId = UUID.randomUUID().toString();
    private final String topic;
    private final Duration interval;
    private final KafkaProducer<String, RateLimitUsage> producer;
    private final KafkaConsumer<String, RateLimitUsage> consumer;
    private final ScheduledExecutorService publisher;
    private final Thread reader;
    private final Counter sent;
    private final Counter sendFailures;
    private final Counter received;
    private final Counter unreadable;
    private final DistributionSummary lag;
    private volatile boolean running = true;

    public UsageSync(RateLimiter limiter, Map<String, Object> clientProperties, String topicPrefix, Duration interval,
                     MeterRegistry registry) {
        this.limiter = limiter;
        this.topic = Topics.RATE_LIMIT_USAGE.name(topicPrefix);
        this.interval = interval;
        Serializer<RateLimitUsage> values = Topics.RATE_LIMIT_USAGE.valueSerde().serializer();
        Deserializer<RateLimitUsage> reads = Topics.RATE_LIMIT_USAGE.valueSerde().deserializer();
        this.producer = new KafkaProducer<>(producerProperties(clientProperties, interval), new StringSerializer(), values);
        this.consumer = new KafkaConsumer<>(consumerProperties(clientProperties, interval), new StringDeserializer(), reads);
        this.sent = Counter.builder("ingest_rate_limit_reports_sent_total")
                .description("rate-limit usage reports this instance wrote for its peers").register(registry);
        this.sendFailures = Counter.builder("ingest_rate_limit_report_failures_total")
                .description("usage reports Kafka did not take (peers see this instance's calls late until the next one)").register(registry);
        this.received = Counter.builder("ingest_rate_limit_reports_received_total")
                .description("usage reports read from other instances").register(registry);
        this.unreadable = Counter.builder("ingest_rate_limit_reports_unreadable_total")
                .description("records on the rate-limit usage topic that were not reports and were skipped").register(registry);
        this.lag = DistributionSummary.builder("ingest_rate_limit_sync_lag_seconds")
                .description("from a peer writing a usage report to this instance counting it: how late peers' calls are seen")
                .baseUnit("seconds").publishPercentiles(0.5, 0.99).register(registry);
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ingest-rate-limit-publisher"));
        this.reader = daemon(this::read, "ingest-rate-limit-reader");
    }

    static Map<String, Object> producerProperties(Map<String, Object> clientProperties, Duration interval) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        // Cumulative reports heal themselves: the leader's ack is enough, and a retry would only deliver a stale count.
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        // Peers must see a report as soon as it is written: the sync's delay is the limit's overshoot.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        long ms = Math.max(interval.toMillis(), 10);
        // A report that cannot be written within a few intervals is superseded: give up on it (and never block long).
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, 5 * ms));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(1_000, 10 * ms));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(100, 2 * ms));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4 * 1024 * 1024L);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-api-rate-limits");
        return p;
    }

    static Map<String, Object> consumerProperties(Map<String, Object> clientProperties, Duration interval) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        // No group: every instance reads every report.
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // The broker answers a fetch as soon as one report arrives; with none it waits at most this long.
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) Math.max(10, interval.toMillis()));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-api-rate-limits-reader");
        return p;
    }

    public UsageSync start() {
        reader.start();
        long ms = interval.toMillis();
        publisher.scheduleWithFixedDelay(this::publish, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("rate limits shared through {} every {} (instance {})", topic, interval, instanceId);
        return this;
    }

    public String instanceId() {
        return instanceId;
    }

    private void publish() {
        try {
            long window = limiter.currentWindow();
            List<RateLimitUsage.Count> changed = limiter.takeChangedCounts(window, false);
            for (int from = 0; from < changed.size(); from += MAX_COUNTS_PER_REPORT) {
                List<RateLimitUsage.Count> part = changed.subList(from, Math.min(changed.size(), from + MAX_COUNTS_PER_REPORT));
                RateLimitUsage report = new RateLimitUsage(RateLimitUsage.CURRENT_VERSION, instanceId,
                        window * RateLimiter.WINDOW_SECONDS, System.currentTimeMillis(), List.copyOf(part));
                producer.send(new ProducerRecord<>(topic, instanceId, report), (metadata, error) -> {
                    if (error == null) {
                        sent.increment();
                    } else {
                        sendFailures.increment();
                        LOG.debug("rate-limit usage report not written: {}", error.toString());
                    }
                });
            }
        } catch (KafkaException e) {
            // Kafka unreachable: this instance keeps limiting with what it knows; the next tick tries again.
            sendFailures.increment();
            LOG.debug("rate-limit usage report not written: {}", e.toString());
        } catch (RuntimeException e) {
            // A bug must not stop the scheduler (it cancels a task that throws); it is logged and counted.
            sendFailures.increment();
            LOG.error("rate-limit usage publisher failed", e);
        }
    }

    private void read() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            // The current and the previous window: what this instance's earlier self and its peers admitted.
            long since = (limiter.currentWindow() - 1) * RateLimiter.WINDOW_SECONDS * 1000;
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, since));
            for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query, Duration.ofSeconds(30)).entrySet()) {
                if (e.getValue() == null) {
                    consumer.seekToEnd(List.of(e.getKey()));
                } else {
                    consumer.seek(e.getKey(), e.getValue().offset());
                }
            }
            while (running) {
                try {
                    for (ConsumerRecord<String, RateLimitUsage> record : consumer.poll(Duration.ofMillis(500))) {
                        apply(record);
                    }
                } catch (RecordDeserializationException e) {
                    // Not a report (another writer on the topic): skip it, counted and named, and read on.
                    unreadable.increment();
                    LOG.warn("skipping unreadable rate-limit usage record at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("rate-limit usage reader woken unexpectedly; peers' calls are no longer counted", e);
            }
        } catch (RuntimeException e) {
            // Counted in the log only: the limiter keeps working with the peers' last counts and its own.
            LOG.error("rate-limit usage reader stopped; this instance now limits on its own", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, RateLimitUsage> record) {
        RateLimitUsage report = record.value();
        if (report == null || report.instanceId() == null || report.counts() == null || instanceId.equals(report.instanceId())) {
            return; // our own report, or not a report
        }
        received.increment();
        lag.record(Math.max(0, System.currentTimeMillis() - report.sentAtMillis()) / 1000.0);
        limiter.applyPeerReport(report);
    }

    @Override
    public void close() {
        running = false;
        publisher.shutdownNow();
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
