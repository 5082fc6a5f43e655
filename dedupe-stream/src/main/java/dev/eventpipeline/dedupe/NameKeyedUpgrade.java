package dev.eventpipeline.dedupe;

import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.dedupe.topology.DedupeTopology;
import dev.eventpipeline.dedupe.topology.TopologySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The move from the topology that keyed {@code raw-events} by {@code <workspace>:<event_name>} to the one
 * keyed by event id (docs/dedupe-stream.md, "Upgrading from the name-keyed topology"), run by
 * {@link DedupeService} before the streams start.
 *
 * <p>The old de-duplication memory sat in the task of each event's <em>name</em>; the new one must be in the
 * task of its <em>id</em>. Its entries are keyed by the event id, so they can be moved: every entry of the old
 * store's changelog whose copy was seen within the window is written to the {@code dedupe-seed} topic,
 * keyed by event id (so it lands in the partition raw-events gives that event) with timestamp 0 (so each
 * task takes its seeds before any raw event). A marker written last to partition 0 says the seeds are
 * complete; an upgrade cut short runs again from the start (a seed taken twice changes nothing).
 * Definitions need no move: their store keeps its name and its partitioning by definition.
 *
 * <p>Local state written by the old topology is wiped on this instance ({@code KafkaStreams.cleanUp}) so
 * that every store restores from its changelog into the task that now owns it.
 */
final class NameKeyedUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(NameKeyedUpgrade.class);

    private final Map<String, Object> clientProperties;
    private final TopologySettings settings;
    private final Duration timeout;

    NameKeyedUpgrade(Map<String, Object> clientProperties, TopologySettings settings, Duration timeout) {
        this.clientProperties = clientProperties;
        this.settings = settings;
        this.timeout = timeout;
    }

    /** Whether this instance's state directory still holds stores of the name-keyed topology. */
    static boolean hasNameKeyedState(Path applicationStateDir) {
        if (!Files.isDirectory(applicationStateDir)) {
            return false;
        }
        try (Stream<Path> tasks = Files.list(applicationStateDir)) {
            return tasks.anyMatch(task -> Files.isDirectory(task.resolve("rocksdb").resolve(DedupeTopology.LEGACY_DEDUPE_STORE)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state directory " + applicationStateDir, e);
        }
    }

    /** Writes the seeds unless the old changelog is gone or the seeds are already complete; returns how many it wrote. */
    long seedIfNeeded(Admin admin, long nowMillis) {
        Set<String> topics = await(admin.listTopics().names());
        if (!topics.contains(settings.legacyDedupeChangelog())) {
            return 0; // a fresh install, or the old changelog was deleted after the window: nothing to take over
        }
        if (seedsComplete()) {
            return 0;
        }
        LOG.info("upgrading from the name-keyed topology: moving the de-duplication memory from {} to {}",
                settings.legacyDedupeChangelog(), settings.seedTopic());
        long oldest = nowMillis - settings.dedupeWindow().toMillis();
        long written = 0;
        long skipped = 0;
        Map<String, Object> consumerProps = new HashMap<>(clientProperties);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // The old store's changelog was written in the stream's transactions: only what they committed counts.
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<String, Object> producerProps = new HashMap<>(clientProperties);
        // Seeds decide which later copies are duplicates: each must be stored on every in-sync replica, once.
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(settings.legacyDedupeChangelog(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    byte[] value = r.value();
                    // Key: the 16 id bytes, then the window store's bucket and sequence number. Value: the entry.
                    if (r.key() == null || r.key().length < 16 || value == null || value.length < Long.BYTES + 1) {
                        skipped++;
                        continue;
                    }
                    if (ByteBuffer.wrap(value).getLong() < oldest) {
                        skipped++; // no copy received from now on can be within the window of this one
                        continue;
                    }
                    String id = EventKeys.eventId(Arrays.copyOf(r.key(), 16));
                    producer.send(new ProducerRecord<>(settings.seedTopic(), null, 0L, id, value));
                    written++;
                }
            }
            producer.flush();
            producer.send(new ProducerRecord<>(settings.seedTopic(), 0, 0L, DedupeTopology.SEEDS_COMPLETE_MARKER, new byte[0]));
            producer.flush();
        }
        LOG.info("upgrade: {} entries of the de-duplication memory seeded, {} older than the window or empty skipped", written, skipped);
        return written;
    }

    /** The last record of the seed topic's partition 0 is the marker. */
    private boolean seedsComplete() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition first = new TopicPartition(settings.seedTopic(), 0);
            consumer.assign(List.of(first));
            long end = consumer.endOffsets(List.of(first), timeout).get(first);
            if (end == 0) {
                return false;
            }
            consumer.seek(first, end - 1);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == end - 1) {
                        return DedupeTopology.SEEDS_COMPLETE_MARKER.equals(r.key());
                    }
                }
                if (consumer.position(first) >= end) {
                    return false; // the last offset was a transaction marker or compacted away: not our marker
                }
            }
            throw new IllegalStateException("could not read the last record of " + first + " within " + timeout);
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private <T> T await(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the upgrade check", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("upgrade check failed: " + e, e);
        }
    }
}
