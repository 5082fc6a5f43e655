package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.IntercomJavaListing;
import dev.eventpipeline.ingest.support.TestStore;
import dev.eventpipeline.testing.ChildJvm;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestDatabase;
import dev.eventpipeline.testing.TestTopics;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GET /events of the running service (real broker for its contacts, real HTTP) over the sink's store on
 * SQLite and on PostgreSQL, rows written by the sink's own EventStore. The expected listings are
 * computed from the rows written: newest first by (created_at, id), every event once.
 */
class EventListingIT {

    private static final String KINDS = "dev.eventpipeline.testing.TestDatabase#kinds";
    private static final String TOKEN = "listing-it-token";
    private static final Comparator<CleanEvent> NEWEST_FIRST =
            Comparator.comparingLong(CleanEvent::createdAt).thenComparing(CleanEvent::id).reversed();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static IngestService start(TestStore store, String prefix) {
        Map<String, Object> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
        s.put("topic.prefix", prefix);
        s.put("topic.partitions", 1);
        s.put("http.host", "127.0.0.1");
        s.put("http.port", 0);
        s.put("auth.dev.token", TOKEN);
        s.put("auth.dev.workspace", "ws-listing");
        s.put("store.jdbc.url", store.db.jdbcUrl());
        return IngestService.start(new IngestConfig(s));
    }

    private static ContactRef createUser(Api api, String externalId, String email) {
        Api.Response created = api.postJson("/contacts", "{\"external_id\":\"" + externalId + "\",\"email\":\"" + email + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        return new ContactRef(created.json().get("id").asText(), "user", externalId, email);
    }

    private static List<CleanEvent> events(ContactRef contact, int n, long newest, long step) {
        List<CleanEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestStore.event("ws-listing", contact, "viewed-page-" + (i % 3), newest - i * step, "{\"n\":" + i + ",\"ratio\":0.50}"));
        }
        return out;
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void walking_40_events_by_pages_next_while_events_arrive_lists_each_old_event_exactly_once(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("listing-walk-" + kind);
        try (TestStore store = new TestStore(kind); IngestService service = start(store, prefix)) {
            Api api = new Api(service.port(), TOKEN);
            ContactRef walker = createUser(api, "walker", "walker@example.com");
            long now = Instant.now().getEpochSecond();
            // Forty events a minute apart, newest an hour ago; three share each created_at pair with a twin
            // of another name, so ties are broken by id.
            List<CleanEvent> old = new ArrayList<>(events(walker, 40, now - 3600, 60));
            old.add(TestStore.event("ws-listing", walker, "twin", now - 3600 - 5 * 60, "{}"));
            old.add(TestStore.event("ws-listing", walker, "twin", now - 3600 - 20 * 60, "{}"));
            store.write(old);
            Set<String> oldIds = old.stream().map(CleanEvent::id).collect(Collectors.toSet());

            List<JsonNode> walked = new ArrayList<>();
            String url = "http://127.0.0.1:" + service.port() + "/events?type=user&user_id=walker&per_page=15";
            List<CleanEvent> arrived = new ArrayList<>();
            int pages = 0;
            while (url != null && pages < 10) {
                JsonNode page = getJson(url);
                pages++;
                page.get("events").forEach(walked::add);
                assertThat(page.get("events").size()).isLessThanOrEqualTo(15);
                // New events arrive during the walk: newer than everything (above the walk's cursor), and older
                // than everything (below it, so a later page may list them).
                List<CleanEvent> batch = List.of(
                        TestStore.event("ws-listing", walker, "arrived-new-" + pages, now + pages, "{}"),
                        TestStore.event("ws-listing", walker, "arrived-old-" + pages, now - 3 * 86_400 - pages, "{}"));
                store.write(batch);
                arrived.addAll(batch);
                JsonNode next = page.get("pages").get("next");
                url = next.isNull() ? null : next.asText();
                if (url != null) {
                    assertThat(url).startsWith("http://127.0.0.1:" + service.port() + "/events?type=user&intercom_user_id=" + walker.id()
                            + "&per_page=15&before=");
                }
            }

            List<String> ids = walked.stream().map(e -> e.get("id").asText()).toList();
            assertThat(new HashSet<>(ids)).as("no event twice").hasSameSizeAs(ids);
            Map<String, Long> seen = ids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(oldIds).allSatisfy(id -> assertThat(seen.get(id)).as("old event %s", id).isEqualTo(1L));
            // Newest first throughout, by (created_at, id).
            List<String> order = walked.stream().map(e -> String.format("%020d %s", e.get("created_at").asLong(), e.get("id").asText())).toList();
            assertThat(order).isSortedAccordingTo(Comparator.reverseOrder());
            // The first page came before any arrival; the walk only ever moves down, so no newer arrival is listed.
            Set<String> newer = arrived.stream().filter(e -> e.eventName().startsWith("arrived-new-")).map(CleanEvent::id).collect(Collectors.toSet());
            assertThat(ids).doesNotContainAnyElementsOf(newer);
            List<String> expectedOld = old.stream().sorted(NEWEST_FIRST).map(CleanEvent::id).toList();
            assertThat(ids.subList(0, expectedOld.size())).isEqualTo(expectedOld);
            assertThat(pages).isBetween(3, 5);

            // Each item as Intercom lists it, metadata as sent.
            JsonNode first = walked.get(0);
            assertThat(first.get("type").asText()).isEqualTo("event");
            assertThat(first.get("user_id").asText()).isEqualTo("walker");
            assertThat(first.get("email").asText()).isEqualTo("walker@example.com");
            assertThat(first.get("intercom_user_id").asText()).isEqualTo(walker.id());
            assertThat(first.get("metadata").toString()).isEqualTo("{\"n\":0,\"ratio\":0.50}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void the_summary_counts_every_stored_event_of_the_contact_by_name(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("listing-summary-" + kind);
        try (TestStore store = new TestStore(kind); IngestService service = start(store, prefix)) {
            Api api = new Api(service.port(), TOKEN);
            ContactRef user = createUser(api, "summed", "summed@example.com");
            List<CleanEvent> written = events(user, 9, 1_790_000_000L, 3600);
            store.write(written);
            // The same batch again, as after a sink crash: the summaries count each event once.
            store.write(written);
            JsonNode summary = getJson("http://127.0.0.1:" + service.port() + "/events?type=user&email=summed%40example.com&summary=true");
            assertThat(summary.get("type").asText()).isEqualTo("event.summary");
            assertThat(summary.get("intercom_user_id").asText()).isEqualTo(user.id());
            Map<String, List<CleanEvent>> byName = written.stream().collect(Collectors.groupingBy(CleanEvent::eventName));
            assertThat(summary.get("events")).hasSize(byName.size());
            summary.get("events").forEach(s -> {
                List<CleanEvent> of = byName.get(s.get("name").asText());
                assertThat(s.get("count").asLong()).isEqualTo(of.size());
                long min = of.stream().mapToLong(CleanEvent::createdAt).min().orElseThrow();
                long max = of.stream().mapToLong(CleanEvent::createdAt).max().orElseThrow();
                assertThat(Instant.parse(s.get("first").asText()).getEpochSecond()).isEqualTo(min);
                assertThat(Instant.parse(s.get("last").asText()).getEpochSecond()).isEqualTo(max);
                assertThat(s.get("first").asText()).endsWith(".000Z");
                assertThat(s.get("description").isNull()).isTrue();
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void a_store_that_goes_away_is_503_with_retry_after_and_reads_again_when_it_is_back(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("listing-outage-" + kind);
        try (TestStore store = new TestStore(kind); IngestService service = start(store, prefix)) {
            Api api = new Api(service.port(), TOKEN);
            ContactRef user = createUser(api, "outage", "outage@example.com");
            store.write(events(user, 3, Instant.now().getEpochSecond() - 60, 60));
            assertThat(api.get("/events?type=user&user_id=outage").json().get("events")).hasSize(3);
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                // The network to PostgreSQL is cut: pooled connections fail and new ones cannot be made.
                store.db.startOutage();
                try {
                    Api.Response down = api.get("/events?type=user&user_id=outage");
                    assertThat(down.status()).as(down.toString()).isEqualTo(503);
                    assertThat(down.firstCode()).isEqualTo("service_unavailable");
                    assertThat(down.header("Retry-After")).isEqualTo("1");
                } finally {
                    store.db.endOutage();
                }
            } else {
                // SQLite readers in WAL mode are not blocked by a writer's lock: an outage there is the file missing,
                // which ListEventsApiTest covers; here a held write lock must not stop reads.
                store.db.startOutage();
                try {
                    assertThat(api.get("/events?type=user&user_id=outage").status()).isEqualTo(200);
                } finally {
                    store.db.endOutage();
                }
            }
            // Back: the same pool reads again (bounded polling: the pool may first have to drop a dead connection).
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Api.Response again;
            do {
                again = api.get("/events?type=user&user_id=outage");
            } while (again.status() != 200 && System.nanoTime() < deadline);
            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            assertThat(again.json().get("events")).hasSize(3);
        }
    }

    /**
     * Intercom's own legacy Java client lists, pages (following pages.next itself) and summarises. It runs
     * in a JVM of its own on the dependencies it declares (Jackson 2.9, copied to target/ by the build):
     * on this module's Jackson 2.21 it cannot read any event list at all, Intercom's own included.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void the_official_java_client_lists_every_page_and_the_summary(TestDatabase.Kind kind) throws Exception {
        String prefix = TestTopics.uniquePrefix("listing-intercom-java-" + kind);
        try (TestStore store = new TestStore(kind); IngestService service = start(store, prefix)) {
            Api api = new Api(service.port(), TOKEN);
            ContactRef user = createUser(api, "java-client", "java-client@example.com");
            List<CleanEvent> written = events(user, 33, Instant.now().getEpochSecond() - 60, 60);
            store.write(written);

            Path classpath = Path.of("target", "intercom-java-2.8.2");
            assertThat(classpath.resolve("intercom-java-2.8.2.jar")).as("copied by the build before failsafe runs").exists();
            Path log = Path.of("target", "intercom-java-listing-" + kind + ".log");
            Files.deleteIfExists(log);
            try (ChildJvm client = ChildJvm.start(List.of("-cp", classpath.resolve("*") + File.pathSeparator + Path.of("target", "test-classes")),
                    List.of(IntercomJavaListing.class.getName(), "http://127.0.0.1:" + service.port(), TOKEN, "java-client",
                            "java-client@example.com", "15"), log)) {
                assertThat(client.awaitExit(Duration.ofSeconds(120))).as(client.tail()).isZero();
                Map<String, String> out = new HashMap<>();
                client.output().lines().filter(l -> l.matches("[A-Z]+ .*|DONE"))
                        .forEach(l -> out.put(l.split(" ", 2)[0], l.contains(" ") ? l.split(" ", 2)[1] : ""));
                assertThat(out).as(client.tail()).containsKey("DONE");

                assertThat(out.get("LIST").split(",")).containsExactlyElementsOf(written.stream().sorted(NEWEST_FIRST).map(CleanEvent::id).toList());
                assertThat(out.get("PAGES")).isEqualTo("3");
                assertThat(out.get("NEWEST")).isEqualTo("viewed-page-0 java-client java-client@example.com " + user.id() + " 0");
                Map<String, List<CleanEvent>> byName = written.stream().collect(Collectors.groupingBy(CleanEvent::eventName));
                String expectedSummary = byName.keySet().stream().sorted().map(name -> {
                    List<CleanEvent> of = byName.get(name);
                    return name + "=" + of.size() + "@" + of.stream().mapToLong(CleanEvent::createdAt).min().orElseThrow() + ".."
                            + of.stream().mapToLong(CleanEvent::createdAt).max().orElseThrow();
                }).collect(Collectors.joining(","));
                assertThat(out.get("SUMMARY")).isEqualTo(user.id() + " " + expectedSummary);
                assertThat(out.get("NOTFOUND")).isEqualTo("not_found User Not Found");
            }
        }
    }
}
