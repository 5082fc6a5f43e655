package dev.eventpipeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.testing.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Intercom's official npm client, unmodified, lists and summarises events of the standalone pipeline
 * (http-api.md: {@code client.events.list({type:"user", user_id, summary, per_page})} must work). Each
 * version is installed with npm into {@code target/npm/} (kept there between runs) and driven by a small
 * node script ({@code src/test/resources/intercom-node/list-events.js}) that prints what it got; the
 * expected answers are computed from the events posted here. One pipeline serves every version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneNodeClientIT {

    private static final Path JAR = Path.of("target", "event-pipeline.jar");
    private static final Path NPM = Path.of("target", "npm").toAbsolutePath();
    private static final Pattern READY = Pattern.compile("READY ingest=(\\S+) kafka=(\\S+) sink=(\\S+).*");
    private static final String TOKEN = "node-it-token-" + System.nanoTime();
    private static final int USER_EVENTS = 20;

    private final HttpClient http = HttpClient.newHttpClient();

    // Static: JUnit injects a @TempDir field of a per-class instance only after @BeforeAll has run.
    @TempDir
    static Path dataDir;

    private ChildJvm pipeline;
    private String api;
    private String userContact;
    private String leadContact;
    private final List<String> userEventIdsNewestFirst = new ArrayList<>();
    private final List<String> leadEventIds = new ArrayList<>();

    @BeforeAll
    void startPipelineAndPostEvents() throws Exception {
        Assumptions.assumeTrue(commandWorks("node", "--version") && commandWorks("npm", "--version"),
                "node and npm are not installed: the npm client compatibility test did not run (apt-get install nodejs npm)");
        assertThat(JAR).as("the standalone jar is built by 'package' before failsafe runs").exists();
        pipeline = ChildJvm.start(List.of("-Xmx1g"), List.of("-jar", JAR.toString(),
                "--data-dir", dataDir.toString(), "--http-port", "0", "--kafka-port", "0",
                "--dev-token", TOKEN, "--topic-partitions", "2"), dataDir.resolveSibling(dataDir.getFileName() + "-node-clients.log"));
        String line = pipeline.awaitLine("READY ", Duration.ofMinutes(3));
        Matcher ready = READY.matcher(line);
        assertThat(ready.matches()).as(line).isTrue();
        api = ready.group(1);

        userContact = contact("{\"external_id\":\"node-user\",\"email\":\"node.user@example.com\"}");
        leadContact = contact("{\"role\":\"lead\",\"email\":\"node.lead@example.com\"}");
        long now = Instant.now().getEpochSecond();
        // A minute apart, the newest first: that is also the listing's order (created_at descending, all distinct).
        for (int i = 0; i < USER_EVENTS; i++) {
            long createdAt = now - 60L * i;
            String name = i % 2 == 0 ? "viewed-page" : "clicked-button";
            assertThat(post("{\"event_name\":\"" + name + "\",\"created_at\":" + createdAt + ",\"user_id\":\"node-user\","
                    + "\"metadata\":{\"plan\":\"pro\",\"load\":3.670}}")).isEqualTo(202);
            userEventIdsNewestFirst.add(EventKeys.eventId("dev", userContact, name, createdAt));
        }
        for (int i = 0; i < 2; i++) {
            assertThat(post("{\"event_name\":\"visited-pricing\",\"created_at\":" + (now - i) + ",\"id\":\"" + leadContact + "\"}")).isEqualTo(202);
            leadEventIds.add(EventKeys.eventId("dev", leadContact, "visited-pricing", now - i));
        }
        // The pipeline is asynchronous: wait (bounded) until the sink has stored every event.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(storedEvents()).isEqualTo(USER_EVENTS + 2));
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            assertThat(pipeline.stop(Duration.ofSeconds(60))).isEqualTo(143);
        }
    }

    @ParameterizedTest(name = "intercom-client {0}")
    @ValueSource(strings = {"6.0.0", "6.4.0", "7.0.3"})
    void the_unmodified_npm_client_lists_and_summarises_events(String version) throws Exception {
        Path client = install(version);
        JsonNode out = runScript(client);
        assertThat(out.get("version").asText()).isEqualTo(version);

        JsonNode list = out.get("list");
        assertThat(list.get("type").asText()).isEqualTo("event.list");
        List<String> ids = new ArrayList<>();
        list.get("events").forEach(e -> ids.add(e.get("id").asText()));
        assertThat(ids).isEqualTo(userEventIdsNewestFirst.subList(0, 5));
        JsonNode first = list.get("events").get(0);
        assertThat(first.get("type").asText()).isEqualTo("event");
        assertThat(first.get("event_name").asText()).isEqualTo("viewed-page");
        assertThat(first.get("user_id").asText()).isEqualTo("node-user");
        assertThat(first.get("email").asText()).isEqualTo("node.user@example.com");
        assertThat(first.get("intercom_user_id").asText()).isEqualTo(userContact);
        // JavaScript numbers have no trailing zeros: 3.670 arrives as the number 3.67.
        assertThat(first.get("metadata").get("load").decimalValue()).isEqualByComparingTo("3.67");
        assertThat(first.get("metadata").get("plan").asText()).isEqualTo("pro");
        assertThat(list.get("pages").get("next").asText()).startsWith(api + "/events?type=user&intercom_user_id=" + userContact + "&per_page=5&before=");

        List<String> byEmail = new ArrayList<>();
        out.get("byEmail").get("events").forEach(e -> byEmail.add(e.get("id").asText()));
        assertThat(byEmail).isEqualTo(userEventIdsNewestFirst);
        assertThat(out.get("byEmail").get("pages").get("next").isNull()).isTrue();

        List<String> lead = new ArrayList<>();
        out.get("lead").get("events").forEach(e -> {
            lead.add(e.get("id").asText());
            assertThat(e.get("user_id").isNull()).isTrue();
        });
        assertThat(lead).isEqualTo(leadEventIds);

        JsonNode summary = out.get("summary");
        assertThat(summary.get("type").asText()).isEqualTo("event.summary");
        assertThat(summary.get("intercom_user_id").asText()).isEqualTo(userContact);
        assertThat(summary.get("user_id").asText()).isEqualTo("node-user");
        assertThat(summary.get("events")).hasSize(2);
        summary.get("events").forEach(s -> {
            assertThat(s.get("count").asInt()).isEqualTo(USER_EVENTS / 2);
            assertThat(s.get("first").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z");
        });
        assertThat(out.get("listNotSummary").get("events")).hasSize(1);

        assertThat(out.get("unknown").get("statusCode").asInt()).isEqualTo(404);
        assertThat(out.get("unknown").get("body").get("errors").get(0).get("message").asText()).isEqualTo("User Not Found");
        assertThat(out.get("badPerPage").get("statusCode").asInt()).isEqualTo(400);
        assertThat(out.get("badPerPage").get("body").get("errors").get(0).get("field").asText()).isEqualTo("per_page");
    }

    /** {@code target/npm/intercom-client-<version>}, installed by npm unless an earlier run left it there. */
    private static Path install(String version) throws Exception {
        Path dir = NPM.resolve("intercom-client-" + version);
        Path installed = dir.resolve("node_modules").resolve("intercom-client").resolve("package.json");
        if (Files.exists(installed) && Json.mapper().readTree(installed.toFile()).get("version").asText().equals(version)) {
            return dir;
        }
        Files.createDirectories(dir);
        // A fetch that stalls is retried after a minute, not after npm's default five (one such stall once used up
        // the whole wait); a stuck npm is killed, never left behind.
        Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund",
                "--ignore-scripts", "--loglevel=error", "--fetch-timeout=60000", "--fetch-retries=4", "intercom-client@" + version)
                .redirectErrorStream(true).redirectOutput(dir.resolve("npm-install.log").toFile()).start();
        boolean finished = npm.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            npm.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(finished).as("npm install of intercom-client@%s finished: %s", version,
                Files.readString(dir.resolve("npm-install.log"))).isTrue();
        assertThat(npm.exitValue()).as("npm install intercom-client@%s: %s", version,
                Files.readString(dir.resolve("npm-install.log"))).isZero();
        return dir;
    }

    private JsonNode runScript(Path client) throws Exception {
        Path script = NPM.resolve("list-events.js");
        try (InputStream in = StandaloneNodeClientIT.class.getResourceAsStream("/intercom-node/list-events.js")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder pb = new ProcessBuilder("node", script.toString()).redirectErrorStream(true);
        pb.environment().put("CLIENT_DIR", client.toString());
        pb.environment().put("BASE_URL", api);
        pb.environment().put("TOKEN", TOKEN);
        pb.environment().put("USER_ID", "node-user");
        pb.environment().put("EMAIL", "node.user@example.com");
        pb.environment().put("LEAD_ID", leadContact);
        Process node = pb.start();
        byte[] output = node.getInputStream().readAllBytes();
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(node.exitValue()).as(text).isZero();
        String result = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(() -> new AssertionError(text));
        return Json.mapper().readTree(result.substring("RESULT ".length()));
    }

    private static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String contact(String body) throws Exception {
        HttpResponse<String> r = send("/contacts", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body()).get("id").asText();
    }

    private int post(String body) throws Exception {
        return send("/events", body).statusCode();
    }

    private HttpResponse<String> send(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long storedEvents() throws Exception {
        Path db = dataDir.resolve("events.db");
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
