package dev.eventpipeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.ChildJvm;
import dev.eventpipeline.testing.TopicReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system as a user runs it: the standalone jar in a child JVM, driven over HTTP, read back
 * from Kafka with a plain read_committed consumer and from the SQLite file. Each start costs tens of
 * seconds here, so the checks of one running pipeline share a start; refusals happen before anything
 * starts and cost a JVM start each.
 */
class StandaloneIT {

    private static final Path JAR = Path.of("target", "event-pipeline.jar");
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration FLOW = Duration.ofSeconds(90);
    private static final Pattern READY = Pattern.compile("READY ingest=(\\S+) kafka=(\\S+) sink=(\\S+).*");
    private static final String TOKEN = "it-token-" + System.nanoTime();

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    /**
     * One start checks the flow and what operators read about it: a service setting given with --set (the
     * app rate limit: Intercom's 10,000 a minute would stop a load test) is in effect; the API's /metrics
     * shows the meters of all three services, counted from this flow, and the JVM's once; /readyz is 200.
     */
    @Test
    void an_event_posted_twice_is_stored_once_counted_in_one_metrics_endpoint_and_everything_survives_a_restart() throws Exception {
        long createdAt = 1_700_000_000L;
        String first = event("signed-up", "u-1", createdAt);
        String second = event("signed-up", "u-2", createdAt);
        // Recent (GET /events lists the last 90 days only), with a number whose digits must survive every hop.
        long measuredAt = Instant.now().getEpochSecond() - 60;
        String measured = "{\"event_name\":\"measured\",\"created_at\":" + measuredAt + ",\"user_id\":\"u-1\","
                + "\"metadata\":{\"load\":3.670,\"plan\":\"pro\"}}";
        Set<String> expectedIds = new HashSet<>();
        String acmeToken = createToken("acme");
        String u1 = null;

        try (ChildJvm pipeline = startPipeline("first-start.log", "--set", "rate.limit.app.per.minute=600000")) {
            Matcher ready = awaitReady(pipeline);
            String api = ready.group(1);
            String kafka = ready.group(2);

            // Intercom's default: events are recorded only against known contacts, so create them first.
            for (String userId : List.of("u-1", "u-2")) {
                String contactId = createContact(api, userId);
                expectedIds.add(EventKeys.eventId("dev", contactId, "signed-up", createdAt));
                if (userId.equals("u-1")) {
                    u1 = contactId;
                }
            }
            String measuredId = EventKeys.eventId("dev", u1, "measured", measuredAt);
            expectedIds.add(measuredId);
            // A token made with 'token create' before the start is read from the data directory, for its own workspace.
            HttpResponse<String> acmeContact = send(api + "/contacts", "{\"external_id\":\"a-1\"}", acmeToken);
            assertThat(acmeContact.statusCode()).as(acmeContact.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(acmeContact.body()).get("workspace_id").asText()).isEqualTo("acme");

            HttpResponse<String> accepted = send(api + "/events", first);
            assertThat(accepted.statusCode()).isEqualTo(202);
            // ceil(600,000 / 6) per 10-second window, Intercom's way of counting a per-minute limit.
            assertThat(accepted.headers().firstValue("X-RateLimit-Limit")).contains("100000");
            assertThat(post(api, first)).isEqualTo(202);
            assertThat(post(api, second)).isEqualTo(202);
            assertThat(post(api, measured)).isEqualTo(202);

            // The duplicate has been judged once it is on duplicate-events; only then is "exactly two clean" meaningful.
            TopicReader.readUntil(kafka, Topics.DUPLICATE_EVENTS.name(""), new StringDeserializer(), new ByteArrayDeserializer(),
                    records -> records.size() >= 1, FLOW);
            assertThat(cleanEventIds(kafka)).containsExactlyInAnyOrderElementsOf(expectedIds);
            await().atMost(FLOW).untilAsserted(() -> assertThat(storedIds()).containsExactlyInAnyOrderElementsOf(expectedIds));

            // Four events accepted, three of them first copies and one a later copy, three rows written: each
            // service's own meters, all on the API port's /metrics (the sink counts after its commit).
            await().atMost(FLOW).untilAsserted(() -> assertThat(get(api + "/metrics").body()).contains(
                    "ingest_events_accepted_total 4.0", "dedupe_events_processed_total 4.0", "dedupe_events_clean_total 3.0",
                    "dedupe_events_duplicates_total 1.0", "sink_rows_written_total{table=\"events\"} 3.0"));
            String metrics = get(api + "/metrics").body();
            List<String> families = metrics.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).toList();
            // One registry: no metric family twice (an invalid exposition), the JVM's meters bound once, and every
            // name owned by one part, so no service's meter can stand in for another's.
            assertThat(families).doesNotHaveDuplicates().contains("jvm_memory_used_bytes", "kafka_stream_thread_commit_total",
                    "ingest_requests_total", "sink_batch_size");
            assertThat(families).allSatisfy(name -> assertThat(name).matches("(ingest|dedupe|sink|kafka|jvm|process|system)_.+"));
            HttpResponse<String> readyz = get(api + "/readyz");
            assertThat(readyz.statusCode()).as(readyz.body()).isEqualTo(200);
            // Read back through GET /events on the same port, once the sink has the events: only the recent one is
            // within the 90 days, with its metadata exactly as sent (3.670, not 3.67: no hop went through a double).
            HttpResponse<String> list = get(api + "/events?type=user&user_id=u-1");
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(list.body()).isEqualTo("{\"type\":\"event.list\",\"events\":[{\"type\":\"event\",\"id\":\"" + measuredId + "\","
                    + "\"event_name\":\"measured\",\"created_at\":" + measuredAt + ",\"user_id\":\"u-1\",\"email\":null,"
                    + "\"intercom_user_id\":\"" + u1 + "\",\"metadata\":{\"load\":3.670,\"plan\":\"pro\"}}],\"pages\":{\"next\":null}}");
            // The summary spans every stored event of the contact, the 2023 one included.
            JsonNode summary = Json.mapper().readTree(get(api + "/events?type=user&user_id=u-1&summary=true").body());
            assertThat(summary.get("events")).extracting(e -> e.get("name").asText() + "=" + e.get("count").asInt())
                    .containsExactly("measured=1", "signed-up=1");

            // SIGTERM: the shutdown hook closes HTTP, stream, sink, broker in that order; 143 = 128 + SIGTERM.
            assertThat(pipeline.stop(Duration.ofSeconds(60))).isEqualTo(143);
            assertThat(pipeline.output()).contains("standalone pipeline stopped");
        }

        try (ChildJvm again = startPipeline("second-start.log")) {
            Matcher ready = awaitReady(again);
            String api = ready.group(1);
            String kafka = ready.group(2);
            assertThat(cleanEventIds(kafka)).containsExactlyInAnyOrderElementsOf(expectedIds);
            assertThat(storedIds()).containsExactlyInAnyOrderElementsOf(expectedIds);
            assertThat(get(api + "/events?type=user&user_id=u-1").body()).as("read after the restart").contains("\"load\":3.670");

            // The de-duplication state survived too: a third copy of the first event is a duplicate.
            assertThat(post(api, first)).isEqualTo(202);
            TopicReader.readUntil(kafka, Topics.DUPLICATE_EVENTS.name(""), new StringDeserializer(), new ByteArrayDeserializer(),
                    records -> records.size() >= 2, FLOW);
            assertThat(cleanEventIds(kafka)).containsExactlyInAnyOrderElementsOf(expectedIds);
            assertThat(again.stop(Duration.ofSeconds(60))).isEqualTo(143);
        }
    }

    @Test
    void a_misspelt_setting_exits_with_2_and_one_line_naming_it_before_anything_starts() {
        ChildJvm refused = refusedStart("misspelt.log", "--set", "rate.limit.app.per.minit=5");
        assertThat(oneLineError(refused)).isEqualTo("event-pipeline: unknown setting 'rate.limit.app.per.minit' in the command line;"
                + " did you mean 'rate.limit.app.per.minute'?");
    }

    @Test
    void a_port_in_use_exits_with_2_and_one_line_naming_the_option() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            ChildJvm http = refusedStart("http-port-in-use.log", "--http-port", String.valueOf(port));
            assertThat(oneLineError(http)).startsWith("event-pipeline: --http-port (http.port) " + port + ": cannot listen on 127.0.0.1:" + port);
            ChildJvm kafka = refusedStart("kafka-port-in-use.log", "--kafka-port", String.valueOf(port));
            assertThat(oneLineError(kafka)).startsWith("event-pipeline: --kafka-port " + port + ": cannot listen on 127.0.0.1:" + port);
        }
    }

    @Test
    void a_data_dir_that_cannot_be_created_exits_with_2_and_one_line_naming_the_option() throws Exception {
        // A path under a regular file: unwritable for any user, root included.
        Path file = Files.writeString(dataDir.resolve("not-a-directory"), "x");
        ChildJvm refused = ChildJvm.start(List.of(), List.of("-jar", JAR.toString(), "--data-dir", file.resolve("data").toString()),
                dataDir.resolveSibling(dataDir.getFileName() + "-data-dir.log"));
        assertThat(oneLineError(refused)).startsWith("event-pipeline: --data-dir " + file.resolve("data") + ": cannot create or write it");
    }

    /** A start that must be refused: it uses this test's data directory and free ports unless the arguments say otherwise. */
    private ChildJvm refusedStart(String logName, String... args) {
        List<String> command = new ArrayList<>(List.of("-jar", JAR.toString(), "--data-dir", dataDir.toString()));
        List<String> given = List.of(args);
        if (!given.contains("--kafka-port")) {
            command.addAll(List.of("--kafka-port", "0"));
        }
        if (!given.contains("--http-port")) {
            command.addAll(List.of("--http-port", "0"));
        }
        command.addAll(given);
        return ChildJvm.start(List.of(), command, dataDir.resolveSibling(dataDir.getFileName() + "-" + logName));
    }

    /** Waits for a refused start to end with exit code 2 and returns its error line; log lines (a warning) may precede it. */
    private static String oneLineError(ChildJvm refused) {
        try (refused) {
            assertThat(refused.awaitExit(Duration.ofSeconds(60))).as(refused.tail()).isEqualTo(2);
            String output = refused.output();
            assertThat(output).as("no stack trace").doesNotContain("\tat ", "Exception in thread");
            List<String> errors = output.lines().filter(l -> l.startsWith("event-pipeline: ")).toList();
            assertThat(errors).as(output).hasSize(1);
            assertThat(output).as("nothing started").doesNotContain("embedded Kafka broker ready", "READY");
            return errors.get(0);
        }
    }

    private ChildJvm startPipeline(String logName, String... extraArgs) {
        assertThat(JAR).as("the standalone jar is built by 'package' before failsafe runs").exists();
        List<String> args = new ArrayList<>(List.of("-jar", JAR.toString(),
                "--data-dir", dataDir.toString(), "--http-port", "0", "--kafka-port", "0",
                "--dev-token", TOKEN, "--topic-partitions", "2"));
        args.addAll(List.of(extraArgs));
        return ChildJvm.start(List.of("-Xmx1g"), args, dataDir.resolveSibling(dataDir.getFileName() + "-" + logName));
    }

    private static Matcher awaitReady(ChildJvm pipeline) {
        String line = pipeline.awaitLine("READY ", START);
        Matcher m = READY.matcher(line);
        assertThat(m.matches()).as("READY line format: %s", line).isTrue();
        return m;
    }

    private static String event(String name, String userId, long createdAt) {
        return "{\"event_name\":\"" + name + "\",\"created_at\":" + createdAt + ",\"user_id\":\"" + userId
                + "\",\"metadata\":{\"plan\":\"pro\"}}";
    }

    private String createContact(String api, String externalId) throws Exception {
        HttpResponse<String> response = send(api + "/contacts", "{\"external_id\":\"" + externalId + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body()).get("id").asText();
    }

    private int post(String api, String body) throws Exception {
        return send(api + "/events", body).statusCode();
    }

    private String createToken(String workspace) {
        try (ChildJvm command = ChildJvm.start(List.of(), List.of("-jar", JAR.toString(), "token", "create",
                "--data-dir", dataDir.toString(), "--workspace", workspace), dataDir.resolveSibling(dataDir.getFileName() + "-token.log"))) {
            assertThat(command.awaitExit(Duration.ofSeconds(60))).as(command.tail()).isZero();
            return command.awaitLine("ep_", Duration.ofSeconds(1)).trim();
        }
    }

    /** A GET with the dev token (the operational endpoints ignore it). */
    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String url, String body) throws Exception {
        return send(url, body, TOKEN);
    }

    private HttpResponse<String> send(String url, String body, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> cleanEventIds(String kafka) {
        return TopicReader.readToEnd(kafka, Topics.CLEAN_EVENTS.name(""), new StringDeserializer(),
                        Topics.CLEAN_EVENTS.valueSerde().deserializer(), FLOW).stream()
                .map(ConsumerRecord::value)
                .map(CleanEvent::id)
                .collect(Collectors.toList());
    }

    /** Every row of the events table (a list, so that a second row for one id would show). */
    private List<String> storedIds() throws Exception {
        Path db = dataDir.resolve("events.db");
        if (!Files.exists(db)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM events")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
