package dev.eventpipeline.sink;

import static dev.eventpipeline.sink.testing.SinkFixtures.AWAIT;
import static dev.eventpipeline.sink.testing.SinkFixtures.event;
import static dev.eventpipeline.sink.testing.SinkFixtures.eventRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.sink.testing.SinkFixtures;
import dev.eventpipeline.sink.testing.TestDatabase;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
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
    @MethodSource("dev.eventpipeline.sink.testing.TestDatabase#kinds")
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
    @MethodSource("dev.eventpipeline.sink.testing.TestDatabase#kinds")
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

    /** Where each key appears in the stored JSON text; sorted positions mean the sent order was kept. */
    static List<Integer> keyPositions(String json, List<String> keys) {
        return keys.stream().map(k -> {
            int at = json.indexOf("\"" + k + "\"");
            assertThat(at).as("key %s in %s", k, json).isNotNegative();
            return at;
        }).toList();
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
