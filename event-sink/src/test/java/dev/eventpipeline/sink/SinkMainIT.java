package dev.eventpipeline.sink;

import static dev.eventpipeline.sink.SinkServiceIT.committed;
import static dev.eventpipeline.sink.testing.SinkFixtures.AWAIT;
import static dev.eventpipeline.sink.testing.SinkFixtures.eventRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.sink.testing.SinkFixtures;
import dev.eventpipeline.testing.ChildJvm;
import dev.eventpipeline.testing.EventOracle;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestDatabase;
import dev.eventpipeline.testing.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code event-sink.jar} run as an operator runs it: a process of its own, configured by arguments. */
class SinkMainIT {

    private static final Path JAR = Path.of("target", "event-sink.jar");
    private static final Pattern MANAGEMENT = Pattern.compile("management endpoints on http://[^:]+:(\\d+)/");

    private static Path log(String name) throws Exception {
        return Files.createTempDirectory("sink-main-").resolve(name + ".log");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void the_jar_writes_the_events_serves_readiness_and_stops_cleanly_on_sigterm(TestDatabase.Kind kind) throws Exception {
        assertThat(JAR).as("built by the package phase before Failsafe runs").exists();
        String prefix = TestTopics.uniquePrefix("sink-main");
        String group = "sink-" + UUID.randomUUID();
        String ws = "ws-" + UUID.randomUUID();
        List<CleanEvent> sent = EventOracle.events(ws, 50, EventOracle.seed());
        SinkFixtures.createTopics(prefix);
        try (KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
            SinkFixtures.sendAll(producer, sent.stream().map(e -> eventRecord(prefix, e)).toList());
        }
        try (TestDatabase db = TestDatabase.create(kind);
             ChildJvm sink = ChildJvm.start(List.of("-Xmx256m", "-jar", JAR.toString()), List.of(
                     "--set=kafka.bootstrap.servers=" + SharedKafka.bootstrapServers(), "--set=topic.prefix=" + prefix,
                     "--set=group.id=" + group, "--set=jdbc.url=" + db.jdbcUrl(), "--set=management.host=127.0.0.1", "--set=management.port=0",
                     "--set=batch.linger=50ms"), log("run"))) {
            await().atMost(AWAIT).untilAsserted(() -> assertThat(db.queryLong(
                    "SELECT COUNT(*) FROM events WHERE workspace_id = '" + ws + "'")).isEqualTo(EventOracle.distinctIds(sent)));
            Matcher m = MANAGEMENT.matcher(sink.output());
            assertThat(m.find()).as("management port in the log:%n%s", sink.tail()).isTrue();
            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + m.group(1) + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).isEqualTo(200);

            // 143 = 128 + SIGTERM: how the JVM exits after a signal once its shutdown hooks (our close()) have run.
            assertThat(sink.stop(Duration.ofSeconds(60))).as("exit code after SIGTERM:%n%s", sink.tail()).isEqualTo(143);
            assertThat(sink.output()).contains("event-sink stopped");
            assertThat(committed(group, prefix)).isEqualTo(sent.size());
        }
    }

    /**
     * kill -9 while the jar writes: the database may hold a batch whose offsets were never committed, or a
     * transaction cut off mid-way (SQLite rolls it back from the WAL at the next open, PostgreSQL when the
     * connection drops). The restarted jar reads those records again; the oracle is the input.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void a_jar_killed_while_writing_loses_and_doubles_nothing_after_a_restart(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("sink-kill");
        String group = "sink-" + UUID.randomUUID();
        String ws = "ws-" + UUID.randomUUID();
        List<CleanEvent> sent = EventOracle.events(ws, 6000, EventOracle.seed());
        List<CleanEvent> beforeKill = sent.subList(0, 4000);
        SinkFixtures.createTopics(prefix);
        try (TestDatabase db = TestDatabase.create(kind);
             KafkaProducer<byte[], byte[]> producer = SinkFixtures.producer(SharedKafka.bootstrapServers())) {
            SinkFixtures.sendAll(producer, beforeKill.stream().map(e -> eventRecord(prefix, e)).toList());
            List<String> args = List.of("--set=kafka.bootstrap.servers=" + SharedKafka.bootstrapServers(), "--set=topic.prefix=" + prefix,
                    "--set=group.id=" + group, "--set=jdbc.url=" + db.jdbcUrl(), "--set=management.port=-1",
                    // The killed member never leaves the group; the broker's minimum session timeout lets the
                    // restarted one take its partitions after 6 s instead of 45.
                    "--set=kafka.session.timeout.ms=6000");
            // Small batches: 400 transactions (each an fsync or a server commit, then an offset commit) take
            // far longer than the moment between the first stored row and the kill.
            List<String> smallBatches = new ArrayList<>(args);
            smallBatches.add("--set=batch.size=10");
            String rowsOfWs = "SELECT COUNT(*) FROM events WHERE workspace_id = '" + ws + "'";
            long storedAtKill;
            try (ChildJvm sink = ChildJvm.start(List.of("-Xmx256m", "-jar", JAR.toString()), smallBatches, log("killed"))) {
                await().atMost(AWAIT).pollInterval(Duration.ofMillis(20))
                        .untilAsserted(() -> assertThat(db.queryLong(rowsOfWs)).as(sink.tail()).isPositive());
                // 137 = 128 + SIGKILL: no shutdown hook ran.
                assertThat(sink.kill(Duration.ofSeconds(30))).isEqualTo(137);
                storedAtKill = db.queryLong(rowsOfWs);
            }
            assertThat(storedAtKill).as("killed while writing").isPositive().isLessThan(EventOracle.distinctIds(beforeKill));
            assertThat(committed(group, prefix)).isLessThan(beforeKill.size());

            SinkFixtures.sendAll(producer, sent.subList(beforeKill.size(), sent.size()).stream().map(e -> eventRecord(prefix, e)).toList());
            try (ChildJvm restarted = ChildJvm.start(List.of("-Xmx256m", "-jar", JAR.toString()), args, log("restarted"))) {
                await().atMost(AWAIT.multipliedBy(2)).untilAsserted(() -> assertThat(committed(group, prefix)).isEqualTo(sent.size()));
                assertThat(restarted.stop(Duration.ofSeconds(60))).isEqualTo(143);
            }
            assertThat(db.queryLong(rowsOfWs)).isEqualTo(EventOracle.distinctIds(sent));
            assertThat(EventOracle.storedSummaries(db, ws)).isEqualTo(EventOracle.summaries(sent));
        }
    }

    @Test
    void the_jar_exits_with_2_naming_the_key_of_a_bad_setting() throws Exception {
        try (ChildJvm sink = ChildJvm.start(List.of("-Xmx128m", "-jar", JAR.toString()),
                List.of("--set=batch.size=0", "--set=jdbc.password=s3cret"), log("bad"))) {
            assertThat(sink.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(sink.process().exitValue()).isEqualTo(2);
            assertThat(sink.output()).contains("batch.size").doesNotContain("s3cret");
        }
    }
}
