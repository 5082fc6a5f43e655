package dev.eventpipeline.sink.testing;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.SharedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A producer that writes clean events and definitions ({@code CleanEvents}) to Kafka as dedupe-stream would. */
public final class SinkFixtures {

    private SinkFixtures() {}

    /** An idempotent producer of raw bytes; the caller serialises with the topic registry's serdes. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // One request in flight: on a topic created a moment ago the first produce can meet
                // NOT_LEADER_OR_FOLLOWER, and with several batches in flight the embedded broker then answered
                // OUT_OF_ORDER_SEQUENCE_NUMBER to every retry until the delivery timeout.
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static ProducerRecord<byte[], byte[]> eventRecord(String prefix, CleanEvent e) {
        String topic = Topics.CLEAN_EVENTS.name(prefix);
        return new ProducerRecord<>(topic,
                Topics.CLEAN_EVENTS.keySerde().serializer().serialize(topic, EventKeys.contactKey(e.workspaceId(), e.contact().id())),
                Topics.CLEAN_EVENTS.valueSerde().serializer().serialize(topic, e));
    }

    public static ProducerRecord<byte[], byte[]> definitionRecord(String prefix, String workspace, String eventName, EventDefinition d) {
        String topic = Topics.EVENT_DEFINITIONS.name(prefix);
        return new ProducerRecord<>(topic,
                Topics.EVENT_DEFINITIONS.keySerde().serializer().serialize(topic, EventKeys.definitionKey(workspace, eventName)),
                d == null ? null : Topics.EVENT_DEFINITIONS.valueSerde().serializer().serialize(topic, d));
    }

    /** Creates the sink's topics (3 partitions) before a test writes to them ahead of starting the sink. */
    public static void createTopics(String prefix) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            new TopicProvisioner(admin, prefix, 3, (short) -1, Duration.ofSeconds(30))
                    .ensure(List.of(Topics.CLEAN_EVENTS, Topics.EVENT_DEFINITIONS, Topics.DEAD_LETTER_EVENTS), Map.of());
        }
    }

    /** Sends every record and waits until Kafka acknowledged all of them. */
    public static void sendAll(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        var acks = records.stream().map(producer::send).toList();
        producer.flush();
        for (var ack : acks) {
            try {
                ack.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (ExecutionException e) {
                throw new AssertionError("send failed", e);
            }
        }
    }

    public static final Duration AWAIT = Duration.ofSeconds(60);
}
