package dev.eventpipeline.sink;

import static dev.eventpipeline.sink.SinkServiceIT.committed;
import static dev.eventpipeline.sink.SinkServiceIT.sinkSettings;
import static dev.eventpipeline.sink.testing.SinkFixtures.AWAIT;
import static dev.eventpipeline.sink.testing.SinkFixtures.eventRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.sink.testing.SinkFixtures;
import dev.eventpipeline.testing.EventOracle;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestDatabase;
import dev.eventpipeline.testing.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults: replays, a crash between the database commit and the offset commit, a database outage,
 * a rebalance. After each, the oracle is the input: one row per distinct event id, and summaries
 * counting each distinct event once.
 */
class SinkFaultsIT {

    private static void send(String prefix, List<CleanEvent> events) {
        SinkFixtures.createTopics(prefix);
        try (KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
            SinkFixtures.sendAll(producer, events.stream().map(e -> eventRecord(prefix, e)).toList());
        }
    }

    private static void assertStoredExactly(TestDatabase db, String ws, List<CleanEvent> sent) {
        assertThat(db.queryLong("SELECT COUNT(*) FROM events WHERE workspace_id = '" + ws + "'"))
                .isEqualTo(EventOracle.distinctIds(sent));
        assertThat(EventOracle.storedSummaries(db, ws)).isEqualTo(EventOracle.summaries(sent));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void consuming_the_same_records_again_changes_no_row_and_no_summary_count(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-replay");
        String ws = "ws-" + UUID.randomUUID();
        List<CleanEvent> sent = EventOracle.events(ws, 300, EventOracle.seed());
        send(prefix, sent);
        try (TestDatabase db = TestDatabase.create(kind)) {
            String firstGroup = "sink-" + UUID.randomUUID();
            try (SinkService sink = SinkService.start(new SinkConfig(sinkSettings(db, prefix, firstGroup)))) {
                await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(firstGroup, prefix)).isEqualTo(sent.size()));
            }
            assertStoredExactly(db, ws, sent);

            // A new group reads every record again from the start: the whole topic is replayed into the same database.
            String replayGroup = "sink-" + UUID.randomUUID();
            try (SinkService replay = SinkService.start(new SinkConfig(sinkSettings(db, prefix, replayGroup)))) {
                await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(replayGroup, prefix)).isEqualTo(sent.size()));
                assertThat(counter(replay, "sink.events.already.stored")).isEqualTo(sent.size());
                assertThat(counter(replay, "sink.rows.written", "events")).isZero();
            }
            assertStoredExactly(db, ws, sent);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void a_crash_between_database_commit_and_offset_commit_leaves_no_duplicate_and_right_summaries(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-crash");
        String ws = "ws-" + UUID.randomUUID();
        String group = "sink-" + UUID.randomUUID();
        List<CleanEvent> sent = EventOracle.events(ws, 200, EventOracle.seed());
        send(prefix, sent);
        try (TestDatabase db = TestDatabase.create(kind)) {
            Map<String, Object> settings = sinkSettings(db, prefix, group);
            settings.put("batch.size", 40);
            AtomicBoolean crashNow = new AtomicBoolean(true);
            AtomicLong writtenBeforeCrash = new AtomicLong();
            try (SinkService sink = SinkService.start(new SinkConfig(settings), records -> {
                // The first batch is committed in the database; the process "dies" before its offsets are committed.
                if (crashNow.getAndSet(false)) {
                    writtenBeforeCrash.set(records);
                    throw new SimulatedCrash();
                }
            })) {
                assertThat(sink.awaitStopped(AWAIT)).isTrue();
                assertThat(sink.failure()).isInstanceOf(SimulatedCrash.class);
            }
            // Expected after the crash: the first batch's rows are stored, and no offset is committed.
            assertThat(writtenBeforeCrash.get()).isPositive();
            long storedAtCrash = db.count("events");
            assertThat(storedAtCrash).isPositive();
            assertThat(committed(group, prefix)).isZero();

            try (SinkService restarted = SinkService.start(new SinkConfig(settings))) {
                await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(group, prefix)).isEqualTo(sent.size()));
                // The crashed batch was read again and found already stored.
                assertThat(counter(restarted, "sink.events.already.stored")).isGreaterThanOrEqualTo(storedAtCrash);
            }
            assertStoredExactly(db, ws, sent);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void a_database_outage_pauses_the_sink_and_everything_arrives_once_when_it_returns(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-outage");
        String ws = "ws-" + UUID.randomUUID();
        String group = "sink-" + UUID.randomUUID();
        long seed = EventOracle.seed();
        List<CleanEvent> all = EventOracle.events(ws, 400, seed);
        List<CleanEvent> before = all.subList(0, 150);
        List<CleanEvent> during = all.subList(150, all.size());
        try (TestDatabase db = TestDatabase.create(kind)) {
            Map<String, Object> settings = sinkSettings(db, prefix, group);
            settings.put("management.host", "127.0.0.1");
            settings.put("management.port", 0);
            settings.put("batch.size", 50);
            try (SinkService sink = SinkService.start(new SinkConfig(settings))) {
                send(prefix, before);
                await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(group, prefix)).isEqualTo(before.size()));
                long storedBefore = db.count("events");
                assertThat(storedBefore).isEqualTo(EventOracle.distinctIds(before));

                db.startOutage();
                send(prefix, during);
                // Expected during the outage: not ready, nothing new committed, nothing new stored.
                await().atMost(AWAIT).untilAsserted(() -> assertThat(sink.isReady()).isFalse());
                assertThat(readyz(sink)).isEqualTo(503);
                assertThat(sink.isAlive()).isTrue();
                assertThat(counter(sink, "sink.write.failures")).isPositive();
                assertThat(committed(group, prefix)).isEqualTo(before.size());

                db.endOutage();
                await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(group, prefix)).isEqualTo(all.size()));
                await().atMost(AWAIT).untilAsserted(() -> assertThat(sink.isReady()).isTrue());
                assertThat(readyz(sink)).isEqualTo(200);
            }
            assertStoredExactly(db, ws, all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void a_rebalance_between_two_instances_loses_and_doubles_nothing(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-rebalance");
        String ws = "ws-" + UUID.randomUUID();
        String group = "sink-" + UUID.randomUUID();
        List<CleanEvent> all = EventOracle.events(ws, 600, EventOracle.seed());
        try (TestDatabase db = TestDatabase.create(kind)) {
            Map<String, Object> settings = sinkSettings(db, prefix, group);
            settings.put("batch.size", 25);
            SinkService first = SinkService.start(new SinkConfig(settings));
            try (SinkService second = SinkService.start(new SinkConfig(settings))) {
                try {
                    send(prefix, all.subList(0, 200));
                    // The second instance joined: partitions move while records flow; then the first leaves.
                    send(prefix, all.subList(200, 400));
                } finally {
                    first.close();
                }
                send(prefix, all.subList(400, all.size()));
                await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(group, prefix)).isEqualTo(all.size()));
            }
            assertStoredExactly(db, ws, all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void offsets_wait_for_the_commit_interval_but_are_committed_before_partitions_move_and_at_close(TestDatabase.Kind kind)
            throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-interval");
        String ws = "ws-" + UUID.randomUUID();
        String group = "sink-" + UUID.randomUUID();
        List<CleanEvent> all = EventOracle.events(ws, 150, EventOracle.seed());
        List<CleanEvent> first100 = all.subList(0, 100);
        send(prefix, first100);
        try (TestDatabase db = TestDatabase.create(kind)) {
            Map<String, Object> settings = sinkSettings(db, prefix, group);
            settings.put("batch.size", 25);
            settings.put("offset.commit.interval", "1h");
            String rowsOfWs = "SELECT COUNT(*) FROM events WHERE workspace_id = '" + ws + "'";
            try (SinkService first = SinkService.start(new SinkConfig(settings))) {
                await().atMost(AWAIT).untilAsserted(() -> assertThat(db.queryLong(rowsOfWs)).isEqualTo(EventOracle.distinctIds(first100)));
                // Stored, and the hour is not up: nothing committed yet (a crash now would replay all 100, harmlessly).
                assertThat(committed(group, prefix)).isZero();
                try (SinkService second = SinkService.start(new SinkConfig(settings))) {
                    // The second member's arrival makes the first give partitions up: it commits what it stored first.
                    await().atMost(AWAIT).untilAsserted(() -> assertThat(committed(group, prefix)).isEqualTo(first100.size()));
                    send(prefix, all.subList(first100.size(), all.size()));
                    await().atMost(AWAIT).untilAsserted(() -> assertThat(db.queryLong(rowsOfWs)).isEqualTo(EventOracle.distinctIds(all)));
                    assertThat(committed(group, prefix)).isEqualTo(first100.size());
                }
            }
            // Both stopped cleanly: each committed what it had stored.
            assertThat(committed(group, prefix)).isEqualTo(all.size());
            assertStoredExactly(db, ws, all);
        }
    }

    private static int readyz(SinkService sink) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sink.managementPort() + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static double counter(SinkService sink, String name) {
        return sink.meterRegistry().get(name).counter().count();
    }

    private static double counter(SinkService sink, String name, String table) {
        return sink.meterRegistry().get(name).tag("table", table).counter().count();
    }

    /** Thrown by the fault-injection point: stands for the process dying at that line. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash after the database commit, before the offset commit");
        }
    }
}
