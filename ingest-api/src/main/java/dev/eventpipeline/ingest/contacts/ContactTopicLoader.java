package dev.eventpipeline.ingest.contacts;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ContactDirectory} in step with the compacted {@code contacts} topic: reads every
 * partition from the beginning at start-up (no consumer group: every instance needs the whole
 * directory), reports {@link #isCaughtUp()} once it has reached the end offsets seen at start, then
 * follows new records for as long as the service runs.
 */
public final class ContactTopicLoader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContactTopicLoader.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final ContactDirectory directory;
    private final Deserializer<Contact> contacts = Topics.CONTACTS.valueSerde().deserializer();
    private final Counter unreadable;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public ContactTopicLoader(Map<String, Object> clientProperties, String topicPrefix, ContactDirectory directory,
                              MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        // A contact written in an aborted transaction by another system must never resolve events.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // No group: offsets are never committed; each start rebuilds the view from the beginning.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-api-contacts");
        // Bigger fetches restore a million contacts in seconds rather than minutes.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = Topics.CONTACTS.name(topicPrefix);
        this.directory = directory;
        this.unreadable = Counter.builder("ingest_contacts_unreadable_total")
                .description("contacts records that could not be read and were skipped").register(registry);
        this.thread = new Thread(this::run, "ingest-contacts-loader");
        this.thread.setDaemon(true);
    }

    public ContactTopicLoader start() {
        thread.start();
        return this;
    }

    /** Restored, and still following the topic (a dead loader makes the instance unready). */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0 && thread.isAlive();
    }

    /** Waits until the view holds everything the topic held when loading began; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofMinutes(5));
            long loaded = 0;
            long started = System.nanoTime();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                    loaded++;
                }
                if (caughtUp.getCount() > 0 && reached(end)) {
                    caughtUp.countDown();
                    LOG.info("contact directory restored from {}: {} records, {} contacts in {} ms", topic, loaded,
                            directory.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
            // close() woke us: a normal stop.
        } catch (RuntimeException e) {
            LOG.error("contact directory stopped following {}: {}", topic, e.toString(), e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            unreadable.increment();
            LOG.warn("skipping contacts record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        if (record.value() == null) {
            directory.delete(record.key());
            return;
        }
        try {
            Contact c = contacts.deserialize(record.topic(), record.value());
            if (c.id() == null || c.workspaceId() == null || c.role() == null) {
                throw new SerializationException("contact needs id, workspace_id and role");
            }
            directory.put(c);
        } catch (SerializationException e) {
            // Another system's bad record must not stop the directory; it is counted and named.
            unreadable.increment();
            LOG.warn("skipping unreadable contacts record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
