package dev.eventpipeline.sink;

import static dev.eventpipeline.sink.testing.SinkFixtures.AWAIT;
import static dev.eventpipeline.sink.testing.SinkFixtures.definitionRecord;
import static dev.eventpipeline.sink.testing.SinkFixtures.eventRecord;
import static dev.eventpipeline.testing.CleanEvents.definition;
import static dev.eventpipeline.testing.CleanEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.sink.testing.SinkFixtures;
import dev.eventpipeline.store.SqlDialect;
import dev.eventpipeline.testing.JsonSchemas;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestDatabase;
import dev.eventpipeline.testing.TestTopics;
import dev.eventpipeline.testing.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sink against the real broker and a real database, each case on SQLite and on PostgreSQL. */
class SinkServiceIT {

    static Map<String, Object> sinkSettings(TestDatabase db, String prefix, String groupId) {
        Map<String, Object> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
        m.put("topic.prefix", prefix);
        m.put("topic.partitions", 3);
        m.put("group.id", groupId);
        m.put("jdbc.url", db.jdbcUrl());
        m.put("management.port", -1);
        // Short so the tests run quickly; the defaults are for production.
        m.put("batch.linger", "50ms");
        m.put("db.connect.timeout", "1s");
        m.put("retry.backoff.max", "1s");
        m.put("startup.timeout", "30s");
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void writes_each_clean_event_once_and_commits_offsets_only_after_the_rows(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-once");
        String group = "sink-" + UUID.randomUUID();
        String ws = "ws-" + UUID.randomUUID();
        CleanEvent first = event(ws, "c1", "invited-friend", 1_671_028_894L);
        CleanEvent later = event(ws, "c1", "invited-friend", 1_671_028_999L);
        CleanEvent other = event(ws, "c2", "invited-friend", 1_671_020_000L);
        // The same event twice (a copy with the same id, as after an upstream replay) and two others.
        List<CleanEvent> sent = List.of(first, first, later, other);
        Set<String> distinctIds = new LinkedHashSet<>();
        sent.forEach(e -> distinctIds.add(e.id()));

        try (TestDatabase db = TestDatabase.create(kind);
             SinkService sink = SinkService.start(new SinkConfig(sinkSettings(db, prefix, group)));
             KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
            SinkFixtures.sendAll(producer, sent.stream().map(e -> eventRecord(prefix, e)).toList());

            await().atMost(AWAIT).untilAsserted(() -> assertThat(db.count("events")).isEqualTo(distinctIds.size()));
            assertThat(db.rows("SELECT id FROM events ORDER BY id"))
                    .extracting(r -> r.get(0)).containsExactlyInAnyOrderElementsOf(distinctIds);
            assertThat(db.rows("SELECT contact_id, event_count, first_created_at, last_created_at FROM event_summaries"
                    + " WHERE workspace_id = '" + ws + "' ORDER BY contact_id"))
                    .containsExactly(
                            List.of("c1", "2", "1671028894", "1671028999"),
                            List.of("c2", "1", "1671020000", "1671020000"));
            await().atMost(AWAIT).untilAsserted(() ->
                    assertThat(committed(group, prefix)).isEqualTo(sent.size()));
            assertThat(sink.isReady()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void keeps_metadata_keys_in_the_order_they_were_sent(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-order");
        CleanEvent e = event("ws-" + UUID.randomUUID(), "c1", "ordered", 1_700_000_000L);
        try (TestDatabase db = TestDatabase.create(kind);
             SinkService sink = SinkService.start(new SinkConfig(sinkSettings(db, prefix, "sink-" + UUID.randomUUID())));
             KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
            SinkFixtures.sendAll(producer, List.of(eventRecord(prefix, e)));
            await().atMost(AWAIT).untilAsserted(() -> assertThat(db.count("events")).isEqualTo(1));

            String stored = db.rows("SELECT metadata FROM events WHERE id = '" + e.id() + "'").get(0).get(0);
            List<String> sentOrder = List.copyOf(e.metadata().keySet());
            assertThat(keyPositions(stored, sentOrder)).isSorted();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void stores_the_latest_definition_per_workspace_and_event_name(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-defs");
        String ws = "ws-" + UUID.randomUUID();
        Instant t1 = Instant.parse("2026-11-27T08:00:00Z");
        Instant t2 = Instant.parse("2026-11-27T09:00:00.5Z");
        EventDefinition v1 = definition(ws, "invited-friend", t1, "invite_code");
        EventDefinition v2 = definition(ws, "invited-friend", t2, "invite_code", "plan");
        try (TestDatabase db = TestDatabase.create(kind);
             SinkService sink = SinkService.start(new SinkConfig(sinkSettings(db, prefix, "sink-" + UUID.randomUUID())));
             KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
            SinkFixtures.sendAll(producer, List.of(
                    definitionRecord(prefix, ws, "invited-friend", v1),
                    definitionRecord(prefix, ws, "invited-friend", v2),
                    // An older definition arriving after a newer one (a replay) must not win.
                    definitionRecord(prefix, ws, "invited-friend", v1),
                    definitionRecord(prefix, ws, "deleted-later", definition(ws, "deleted-later", t1, "x")),
                    definitionRecord(prefix, ws, "deleted-later", null)));

            await().atMost(AWAIT).untilAsserted(() -> assertThat(committedOn(
                    sink.config().groupId(), Topics.EVENT_DEFINITIONS.name(prefix))).isEqualTo(5));
            List<List<String>> rows = db.rows("SELECT event_name, metadata FROM event_definitions WHERE workspace_id = '" + ws + "'");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get(0)).isEqualTo("invited-friend");
            assertThat(keyPositions(rows.get(0).get(1), List.of("invite_code", "plan"))).isSorted();
            assertThat(db.queryLong("SELECT COUNT(*) FROM event_definitions WHERE workspace_id = '" + ws
                    + "' AND updated_at = " + (kind == TestDatabase.Kind.SQLITE
                            ? "'" + SqlDialect.timestamp(t2) + "'" : "CAST('" + t2 + "' AS timestamptz)"))).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void sends_unreadable_and_invalid_records_to_dead_letters_and_keeps_going(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-poison");
        String group = "sink-" + UUID.randomUUID();
        String ws = "ws-" + UUID.randomUUID();
        CleanEvent good = event(ws, "c1", "ok", 1_700_000_000L);
        CleanEvent bad = event(ws, "c1", "ok", 1_700_000_001L);
        CleanEvent wrongId = new CleanEvent("ev_not-the-hash", bad.workspaceId(), bad.eventName(), bad.createdAt(), bad.contact(),
                bad.metadata(), bad.droppedMetadata(), bad.receivedAt(), bad.requestId(), bad.intercomVersion());
        String topic = Topics.CLEAN_EVENTS.name(prefix);
        try (TestDatabase db = TestDatabase.create(kind);
             SinkService sink = SinkService.start(new SinkConfig(sinkSettings(db, prefix, group)));
             KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
            // All three on one key, so they share a partition and arrive in this order.
            byte[] key = "w:c1".getBytes(StandardCharsets.UTF_8);
            SinkFixtures.sendAll(producer, List.of(
                    new ProducerRecord<>(topic, key, "{not json".getBytes(StandardCharsets.UTF_8)),
                    new ProducerRecord<>(topic, key, eventRecord(prefix, wrongId).value()),
                    new ProducerRecord<>(topic, key, eventRecord(prefix, good).value())));

            var deadLetters = TopicReader.readUntil(SharedKafka.bootstrapServers(), Topics.DEAD_LETTER_EVENTS.name(prefix),
                    new StringDeserializer(), new ByteArrayDeserializer(), l -> l.size() >= 2, AWAIT);
            assertThat(deadLetters).hasSize(2);
            deadLetters.forEach(r -> JsonSchemas.assertValid(Topics.DEAD_LETTER_EVENTS, r.value()));
            List<DeadLetter> letters = deadLetters.stream()
                    .map(r -> Topics.DEAD_LETTER_EVENTS.valueSerde().deserializer().deserialize("", r.value())).toList();
            assertThat(letters).extracting(DeadLetter::reason)
                    .containsExactly(DeadLetter.REASON_UNREADABLE, DeadLetter.REASON_INVALID);
            assertThat(letters).extracting(DeadLetter::topic).containsOnly(topic);
            assertThat(letters.get(0).value()).isEqualTo("{not json");
            await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(group, prefix)).isEqualTo(3));
            assertThat(db.rows("SELECT id FROM events")).containsExactly(List.of(good.id()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void never_stores_events_of_an_aborted_transaction(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-aborted");
        String ws = "ws-" + UUID.randomUUID();
        CleanEvent aborted = event(ws, "c1", "maybe", 1_700_000_000L);
        CleanEvent committedEvent = event(ws, "c1", "maybe", 1_700_000_100L);
        try (TestDatabase db = TestDatabase.create(kind);
             SinkService sink = SinkService.start(new SinkConfig(sinkSettings(db, prefix, "sink-" + UUID.randomUUID())));
             KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sink-it-" + UUID.randomUUID()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            // What a crashed dedupe-stream task leaves behind: an aborted transaction, then the committed retry.
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(eventRecord(prefix, aborted)).get();
            tx.abortTransaction();
            tx.beginTransaction();
            tx.send(eventRecord(prefix, committedEvent));
            tx.commitTransaction();

            await().atMost(AWAIT).untilAsserted(() -> assertThat(db.count("events")).isEqualTo(1));
            assertThat(db.rows("SELECT id FROM events")).containsExactly(List.of(committedEvent.id()));
            assertThat(db.rows("SELECT event_count FROM event_summaries WHERE workspace_id = '" + ws + "'"))
                    .containsExactly(List.of("1"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void serves_readiness_and_metrics_on_its_management_port(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-mgmt");
        try (TestDatabase db = TestDatabase.create(kind)) {
            Map<String, Object> settings = sinkSettings(db, prefix, "sink-" + UUID.randomUUID());
            settings.put("management.host", "127.0.0.1");
            settings.put("management.port", 0);
            List<CleanEvent> sent = List.of(event("ws-m", "c1", "m", 1L), event("ws-m", "c2", "m", 2L), event("ws-m", "c3", "m", 3L));
            try (SinkService sink = SinkService.start(new SinkConfig(settings));
                 KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
                SinkFixtures.sendAll(producer, sent.stream().map(e -> eventRecord(prefix, e)).toList());
                await().atMost(AWAIT).untilAsserted(() -> assertThat(db.count("events")).isEqualTo(sent.size()));

                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + sink.managementPort();
                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("sink_rows_written_total{table=\"events\"} " + sent.size() + ".0")
                        .contains("sink_batch_size").contains("sink_write_latency_seconds").contains("sink_consumer_lag")
                        .contains("jvm_memory_used_bytes");
            }
        }
    }

    /** Where each key appears in the stored JSON text; sorted positions mean the sent order was kept. */
    static List<Integer> keyPositions(String json, List<String> keys) {
        return keys.stream().map(k -> {
            int at = json.indexOf("\"" + k + "\"");
            assertThat(at).as("key %s in %s", k, json).isNotNegative();
            return at;
        }).toList();
    }

    /** Sum of the group's committed offsets over one topic's partitions: the number of records it has acknowledged. */
    static long committedOn(String group, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream()
                    .filter(en -> en.getKey().topic().equals(topic))
                    .mapToLong(en -> en.getValue() == null ? 0 : en.getValue().offset())
                    .sum();
        }
    }

    /** Sum of the group's committed offsets over the clean-events partitions: the number of records it has acknowledged. */
    static long committed(String group, String prefix) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream()
                    .filter(en -> en.getKey().topic().equals(Topics.CLEAN_EVENTS.name(prefix)))
                    .mapToLong(en -> en.getValue() == null ? 0 : en.getValue().offset())
                    .sum();
        }
    }
}
