package dev.eventpipeline.ingest.publish;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One idempotent producer shared by every request (http-api.md), answering through futures so no
 * request thread waits for an acknowledgement.
 *
 * <p>Memory is bounded twice: at most {@code maxInFlight} writes wait for Kafka ({@link InFlightLimit};
 * beyond that a write fails at once), and the producer's {@code buffer.memory} makes {@code send} block at most
 * {@code max.block.ms} before failing. Every wait is bounded by {@code delivery.timeout.ms}.
 */
public final class KafkaEventLog implements EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);

    private final Producer<String, byte[]> producer;
    private final Admin admin;
    private final String rawEventsTopic;
    private final String contactsTopic;
    private final InFlightLimit inFlight;
    private final KafkaClientMetrics producerMetrics;
    private final ScheduledExecutorService healthCheck;
    private volatile long lastReachableNanos;
    private final long reachableForNanos;
    private final io.micrometer.core.instrument.Counter probeFailures;
    private final Serializer<RawEvent> eventSerializer = Topics.RAW_EVENTS.valueSerde().serializer();
    private final Serializer<Contact> contactSerializer = Topics.CONTACTS.valueSerde().serializer();

    public KafkaEventLog(Map<String, Object> clientProperties, String topicPrefix, Duration deliveryTimeout,
                         Duration maxBlock, Duration linger, int maxInFlight, MeterRegistry registry) {
        this.rawEventsTopic = Topics.RAW_EVENTS.name(topicPrefix);
        this.contactsTopic = Topics.CONTACTS.name(topicPrefix);
        this.inFlight = new InFlightLimit(maxInFlight);
        this.producer = new KafkaProducer<>(producerProperties(clientProperties, deliveryTimeout, maxBlock, linger),
                new StringSerializer(), new ByteArraySerializer());
        this.probeFailures = io.micrometer.core.instrument.Counter.builder("ingest_kafka_probe_failures_total")
                .description("failed Kafka reachability probes behind /readyz").register(registry);
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        Map<String, Object> adminProps = new HashMap<>(clientProperties);
        // The health probe must answer quickly either way; /readyz is polled by orchestrators.
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        this.admin = Admin.create(adminProps);
        // Kafka counts as reachable while a probe succeeded within the last 3 probe periods.
        this.reachableForNanos = TimeUnit.SECONDS.toNanos(6);
        this.lastReachableNanos = System.nanoTime() - reachableForNanos - 1;
        this.healthCheck = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingest-kafka-health");
            t.setDaemon(true);
            return t;
        });
        healthCheck.scheduleWithFixedDelay(this::probe, 0, 2, TimeUnit.SECONDS);
    }

    public static Map<String, Object> producerProperties(Map<String, Object> clientProperties, Duration deliveryTimeout,
                                                  Duration maxBlock, Duration linger) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        // A 2xx promises the record is on every in-sync replica: nothing less may be acknowledged.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries after a lost ack must not write the event twice (nor reorder a partition).
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Idempotence keeps order with up to 5 in flight; more is refused by the producer.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // Retry until delivery.timeout.ms, which is what bounds a request's wait (then 503).
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        long lingerMs = linger.toMillis();
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) lingerMs);
        long deliveryMs = deliveryTimeout.toMillis();
        // The producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        long requestMs = Math.max(500, Math.min(30_000, deliveryMs - lingerMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestMs);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(deliveryMs, lingerMs + requestMs));
        // A request thread hands its record over or gives up (503) within this; it never waits unbounded.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
        // JSON compresses 3-5x; lz4 costs little CPU and lets more events fit each batch.
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ingest-api");
        return p;
    }

    /**
     * Fetches the metadata of both topics before the first request, retrying until {@code timeout}:
     * otherwise the first write of a fresh topic would spend its max.block.ms waiting for metadata.
     */
    public void warmUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String topic : new String[] {rawEventsTopic, contactsTopic}) {
            while (true) {
                KafkaException last = null;
                try {
                    if (!producer.partitionsFor(topic).isEmpty()) {
                        break;
                    }
                } catch (KafkaException e) {
                    last = e;
                    LOG.info("waiting for metadata of {}: {}", topic, e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no metadata for " + topic + " within " + timeout, last);
                }
            }
        }
    }

    @Override
    public CompletableFuture<Void> appendEvent(RawEvent event) {
        // The event id: all copies of one event in one partition, every other event spread over all of them.
        String key = EventKeys.rawEventKey(event);
        byte[] value = eventSerializer.serialize(rawEventsTopic, event);
        return send(new ProducerRecord<>(rawEventsTopic, null, event.receivedAt().toEpochMilli(), key, value));
    }

    @Override
    public CompletableFuture<Void> appendContact(Contact contact) {
        String key = EventKeys.contactKey(contact.workspaceId(), contact.id());
        return send(new ProducerRecord<>(contactsTopic, key, contactSerializer.serialize(contactsTopic, contact)));
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        return inFlight.run(() -> sendNow(record));
    }

    private CompletableFuture<Void> sendNow(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    lastReachableNanos = System.nanoTime();
                    done.complete(null);
                } else {
                    LOG.warn("write to {} failed: {}", record.topic(), error.toString());
                    done.completeExceptionally(new Unavailable("Kafka did not acknowledge the write", error));
                }
            });
        } catch (KafkaException e) {
            // send() itself failed (max.block.ms elapsed, producer closed): the record is not stored.
            LOG.warn("write to {} refused: {}", record.topic(), e.toString());
            done.completeExceptionally(new Unavailable("Kafka cannot take the write", e));
        }
        return done;
    }

    private void probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(3, TimeUnit.SECONDS);
            lastReachableNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Counted and logged; /readyz turns 503 once probes have failed for reachableForNanos.
            probeFailures.increment();
            LOG.debug("Kafka health probe failed: {}", e.toString());
        }
    }

    @Override
    public boolean isReachable() {
        return System.nanoTime() - lastReachableNanos < reachableForNanos;
    }

    /** Flushes what was accepted (every pending callback fires), then closes. */
    @Override
    public void close() {
        healthCheck.shutdownNow();
        producer.flush();
        producer.close(Duration.ofSeconds(10));
        producerMetrics.close();
        admin.close(Duration.ofSeconds(5));
    }
}
