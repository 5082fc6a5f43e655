package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walking skeleton's slice against the real broker: the same event twice and another once give two clean events. */
class DedupeServiceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void same_event_posted_twice_and_another_once_give_two_clean_events_and_one_duplicate() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        String prefix = TestTopics.uniquePrefix("dedupe-service");
        Map<String, Object> settings = new HashMap<>();
        settings.put(KafkaSettings.BOOTSTRAP_SERVERS, bootstrap);
        settings.put(KafkaSettings.TOPIC_PREFIX, prefix);
        settings.put(KafkaSettings.TOPIC_PARTITIONS, 3);
        settings.put(DedupeConfig.APPLICATION_ID, prefix + "dedupe");
        settings.put(DedupeConfig.STATE_DIR, stateDir.toString());
        settings.put(DedupeConfig.MANAGEMENT_PORT, 0);

        try (DedupeService service = DedupeService.start(new DedupeConfig(settings))) {
            service.awaitRunning(TIMEOUT);
            Instant now = Instant.now();
            RawEvent first = raw("c1", "invited-friend", 1_671_028_894L, now);
            RawEvent copy = raw("c1", "invited-friend", 1_671_028_894L, now.plusMillis(5));
            RawEvent other = raw("c2", "invited-friend", 1_671_028_894L, now.plusMillis(10));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                for (RawEvent e : List.of(first, copy, other)) {
                    producer.send(new ProducerRecord<>(Topics.RAW_EVENTS.name(prefix), null, e.receivedAt().toEpochMilli(),
                            EventKeys.rawEventKey(e), Json.toString(e))).get();
                }
            }

            List<ConsumerRecord<String, CleanEvent>> clean = dev.eventpipeline.testing.TopicReader.readUntil(bootstrap,
                    Topics.CLEAN_EVENTS.name(prefix), Topics.CLEAN_EVENTS.keySerde().deserializer(),
                    Topics.CLEAN_EVENTS.valueSerde().deserializer(), r -> r.size() >= 2, TIMEOUT);
            List<ConsumerRecord<String, DuplicateEvent>> duplicates = dev.eventpipeline.testing.TopicReader.readUntil(bootstrap,
                    Topics.DUPLICATE_EVENTS.name(prefix), Topics.DUPLICATE_EVENTS.keySerde().deserializer(),
                    Topics.DUPLICATE_EVENTS.valueSerde().deserializer(), r -> r.size() >= 1, TIMEOUT);

            assertThat(clean).extracting(r -> r.value().id())
                    .containsExactlyInAnyOrder(EventKeys.eventId(first), EventKeys.eventId(other));
            assertThat(clean).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("ws1:c1", "ws1:c2");
            assertThat(duplicates).singleElement().satisfies(d -> {
                assertThat(d.value().requestId()).isEqualTo(copy.requestId());
                assertThat(d.value().firstRequestId()).isEqualTo(first.requestId());
            });
            assertThat(service.isRunning()).isTrue();
            for (var written : dev.eventpipeline.testing.TopicReader.readToEnd(bootstrap, Topics.CLEAN_EVENTS.name(prefix),
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.StringDeserializer(), TIMEOUT)) {
                dev.eventpipeline.testing.JsonSchemas.assertValid(Topics.CLEAN_EVENTS, written.value());
            }

            // The management port: ready while RUNNING, and the counters say what happened.
            assertThat(get(service.managementPort(), "/readyz").statusCode()).isEqualTo(200);
            String metrics = get(service.managementPort(), "/metrics").body();
            assertThat(metrics).contains("dedupe_events_processed_total 3.0", "dedupe_events_clean_total 2.0",
                    "dedupe_events_duplicates_total 1.0", "dedupe_definitions_published_total 1.0", "dedupe_state_store_bytes");
        }
    }

    private static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static RawEvent raw(String contact, String eventName, long createdAt, Instant receivedAt) {
        return new RawEvent(1, UUID.randomUUID().toString(), receivedAt, "ws1", "app1", "2.10",
                new ContactRef(contact, ContactRef.ROLE_USER, "u-" + contact, null), eventName, createdAt,
                Json.mapper().createObjectNode().put("invite_code", "ADDAFRIEND"));
    }
}
