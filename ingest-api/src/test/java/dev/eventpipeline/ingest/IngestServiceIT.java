package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.testing.JsonSchemas;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import dev.eventpipeline.testing.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The service against the real broker: what a 2xx promises is in the topics, and the contact view survives a restart. */
class IngestServiceIT {

    private static final String TOKEN = "it-token-" + System.nanoTime();
    private static final Duration READ = Duration.ofSeconds(30);

    private static Map<String, Object> settings(String prefix, String mode) {
        Map<String, Object> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
        s.put("topic.prefix", prefix);
        s.put("topic.partitions", 3);
        s.put("http.host", "127.0.0.1");
        s.put("http.port", 0);
        s.put("auth.dev.token", TOKEN);
        s.put("auth.dev.workspace", "ws-it");
        s.put("contacts.mode", mode);
        return s;
    }

    @Test
    void one_event_names_events_spread_over_every_partition_of_raw_events(TestInfo info) {
        // 2,000 events of one name from 200 users: keyed by event id, no partition is left out or overloaded.
        String prefix = TestTopics.uniquePrefix(info.getDisplayName());
        try (IngestService service = IngestService.start(new IngestConfig(settings(prefix, "trust")))) {
            Api api = new Api(service.port(), TOKEN);
            for (int request = 0; request < 20; request++) {
                StringBuilder items = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    int n = request * 100 + i;
                    items.append(i == 0 ? "" : ",").append("{\"method\":\"post\",\"data_type\":\"event\",\"data\":{\"event_name\":\"page-viewed\",")
                            .append("\"created_at\":").append(1_700_000_000 + n).append(",\"user_id\":\"u").append(n % 200).append("\"}}");
                }
                Api.Response r = api.postJson("/bulk/events", "{\"items\":[" + items + "]}");
                assertThat(r.status()).as(r.toString()).isEqualTo(202);
            }
            Map<Integer, Long> perPartition = new HashMap<>();
            List<ConsumerRecord<String, RawEvent>> raw = TopicReader.readToEnd(SharedKafka.bootstrapServers(),
                    Topics.RAW_EVENTS.name(prefix), new StringDeserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(), READ);
            raw.forEach(r -> perPartition.merge(r.partition(), 1L, Long::sum));
            assertThat(raw).hasSize(2_000);
            assertThat(raw).allSatisfy(r -> assertThat(r.key()).isEqualTo(EventKeys.rawEventKey(r.value())));
            assertThat(perPartition).hasSize(3).allSatisfy((partition, n) -> assertThat(n).isBetween(500L, 850L));
        }
    }

    @Test
    void accepted_event_is_in_raw_events_with_event_id_key_and_received_at_timestamp(TestInfo info) {
        String prefix = TestTopics.uniquePrefix(info.getDisplayName());
        try (IngestService service = IngestService.start(new IngestConfig(settings(prefix, "directory")))) {
            Api api = new Api(service.port(), TOKEN);
            Api.Response created = api.postJson("/contacts", "{\"external_id\":\"314159\",\"email\":\"frodo@example.com\"}");
            assertThat(created.status()).as(created.toString()).isEqualTo(200);
            String contactId = created.json().get("id").asText();

            Instant before = Instant.now();
            Api.Response accepted = api.postJson("/events", "{\"event_name\":\"invited-friend\",\"created_at\":1671028894,"
                    + "\"user_id\":\"314159\",\"metadata\":{\"invite_code\":\"ADDAFRIEND\",\"price\":{\"amount\":34999,\"currency\":\"EUR\"}}}");
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
            assertThat(accepted.body()).isEmpty();

            List<ConsumerRecord<String, RawEvent>> raw = TopicReader.readToEnd(SharedKafka.bootstrapServers(),
                    Topics.RAW_EVENTS.name(prefix), new StringDeserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(), READ);
            assertThat(raw).hasSize(1);
            ConsumerRecord<String, RawEvent> record = raw.get(0);
            RawEvent event = record.value();
            // Keyed by event id: every copy in one partition, every event name spread over all of them.
            assertThat(record.key()).isEqualTo(EventKeys.eventId("ws-it", contactId, "invited-friend", 1671028894L));
            assertThat(record.timestamp()).isEqualTo(event.receivedAt().toEpochMilli());
            assertThat(event.receivedAt()).isBetween(before.minusMillis(1), Instant.now());
            assertThat(event.requestId()).isEqualTo(accepted.header("X-Request-Id"));
            assertThat(event.workspaceId()).isEqualTo("ws-it");
            assertThat(event.intercomVersion()).isEqualTo("2.10");
            assertThat(event.contact().id()).isEqualTo(contactId);
            assertThat(event.contact().userId()).isEqualTo("314159");
            assertThat(event.contact().email()).isEqualTo("frodo@example.com");
            assertThat(event.metadata().toString())
                    .isEqualTo("{\"invite_code\":\"ADDAFRIEND\",\"price\":{\"amount\":34999,\"currency\":\"eur\"}}");
            assertWrittenValuesMatchTheirSchemas(prefix, 1, 1);
        }
    }

    /** What the service really wrote, byte for byte, against the JSON Schemas other teams are given. */
    private static void assertWrittenValuesMatchTheirSchemas(String prefix, int events, int contacts) {
        List<ConsumerRecord<String, byte[]>> raw = TopicReader.readToEnd(SharedKafka.bootstrapServers(), Topics.RAW_EVENTS.name(prefix),
                new StringDeserializer(), new ByteArrayDeserializer(), READ);
        assertThat(raw).hasSize(events);
        raw.forEach(r -> JsonSchemas.assertValid(Topics.RAW_EVENTS, r.value()));
        List<ConsumerRecord<String, byte[]>> written = TopicReader.readToEnd(SharedKafka.bootstrapServers(), Topics.CONTACTS.name(prefix),
                new StringDeserializer(), new ByteArrayDeserializer(), READ);
        assertThat(written).hasSize(contacts);
        written.forEach(r -> JsonSchemas.assertValid(Topics.CONTACTS, r.value()));
    }

    @Test
    void a_restarted_instance_restores_the_contact_view_before_it_is_ready(TestInfo info) {
        String prefix = TestTopics.uniquePrefix(info.getDisplayName());
        List<String> ids = new java.util.ArrayList<>();
        try (IngestService first = IngestService.start(new IngestConfig(settings(prefix, "directory")))) {
            Api api = new Api(first.port(), TOKEN);
            for (int i = 0; i < 5; i++) {
                Api.Response r = api.postJson("/contacts", "{\"external_id\":\"u" + i + "\"}");
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                ids.add(r.json().get("id").asText());
            }
        }
        // A contact produced to the topic by another system (pipeline.md allows it) must be restored too.
        Contact external = new Contact("contact", "abcdefabcdefabcdefabcdef", "ws-it", "lead", null, "lead@example.com", "L", 1_700_000_000L);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.CONTACTS.name(prefix), EventKeys.contactKey("ws-it", external.id()), Json.toBytes(external)));
        }

        try (IngestService second = IngestService.start(new IngestConfig(settings(prefix, "directory")))) {
            assertThat(second.isReady()).isTrue();
            Api api = new Api(second.port(), TOKEN);
            for (int i = 0; i < 5; i++) {
                Api.Response got = api.get("/contacts/" + ids.get(i));
                assertThat(got.status()).as(got.toString()).isEqualTo(200);
                assertThat(got.json().get("external_id").asText()).isEqualTo("u" + i);
                assertThat(api.postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u" + i + "\"}").status()).isEqualTo(202);
            }
            assertThat(api.postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"id\":\"" + external.id() + "\"}").status()).isEqualTo(202);
            assertThat(api.postJson("/contacts", "{\"external_id\":\"u0\"}").status()).isEqualTo(409);
            assertThat(api.postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"nobody\"}").firstMessage())
                    .isEqualTo("User Not Found");
            assertThat(api.get("/readyz").status()).isEqualTo(200);
        }
    }

    @Test
    void trust_mode_publishes_an_unknown_user_once_and_records_events_against_it(TestInfo info) {
        String prefix = TestTopics.uniquePrefix(info.getDisplayName());
        try (IngestService service = IngestService.start(new IngestConfig(settings(prefix, "trust")))) {
            Api api = new Api(service.port(), TOKEN);
            for (int i = 0; i < 3; i++) {
                Api.Response r = api.postJson("/events", "{\"event_name\":\"signed-up\",\"created_at\":" + (100 + i) + ",\"user_id\":\"new-user\"}");
                assertThat(r.status()).as(r.toString()).isEqualTo(202);
            }
            List<ConsumerRecord<String, Contact>> contacts = TopicReader.readToEnd(SharedKafka.bootstrapServers(),
                    Topics.CONTACTS.name(prefix), new StringDeserializer(), Topics.CONTACTS.valueSerde().deserializer(), READ);
            assertThat(contacts).hasSize(1);
            Contact c = contacts.get(0).value();
            assertThat(c.externalId()).isEqualTo("new-user");
            assertThat(c.role()).isEqualTo("user");
            List<ConsumerRecord<String, RawEvent>> raw = TopicReader.readToEnd(SharedKafka.bootstrapServers(),
                    Topics.RAW_EVENTS.name(prefix), new StringDeserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(), READ);
            assertThat(raw).extracting(r -> r.value().contact().id()).containsOnly(c.id()).hasSize(3);
            assertWrittenValuesMatchTheirSchemas(prefix, 3, 1);
        }
    }

    @Test
    void metrics_count_requests_by_route_and_status_and_include_producer_metrics(TestInfo info) {
        String prefix = TestTopics.uniquePrefix(info.getDisplayName());
        try (IngestService service = IngestService.start(new IngestConfig(settings(prefix, "trust")))) {
            Api api = new Api(service.port(), TOKEN);
            int accepted = 4;
            for (int i = 0; i < accepted; i++) {
                assertThat(api.postJson("/events", "{\"event_name\":\"m\",\"created_at\":" + i + ",\"user_id\":\"x\"}").status()).isEqualTo(202);
            }
            assertThat(api.postJson("/events", "{}").status()).isEqualTo(400);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String metrics = api.get("/metrics").body();
                assertThat(metrics).contains("ingest_requests_total{method=\"POST\",route=\"/events\",status=\"202\"} " + accepted + ".0");
                assertThat(metrics).contains("ingest_requests_total{method=\"POST\",route=\"/events\",status=\"400\"} 1.0");
                assertThat(metrics).contains("ingest_events_accepted_total " + accepted + ".0");
                assertThat(metrics).contains("ingest_request_duration_seconds_bucket");
                assertThat(metrics).contains("kafka_producer_record_send_total");
            });
            JsonNode health = api.get("/healthz").json();
            assertThat(health.get("status").asText()).isEqualTo("ok");
        }
    }
}
