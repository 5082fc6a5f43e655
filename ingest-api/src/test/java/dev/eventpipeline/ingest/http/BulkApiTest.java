package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.RawHttp;
import dev.eventpipeline.ingest.support.TestApp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /bulk/events: validation all or nothing, storing not (a retry is safe), per-item fields, in-request duplicates, the job body, its body limit. */
class BulkApiTest {

    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(HttpLimits.defaults().withBulkMaxItems(20), false);
        app.contacts.put(new Contact("contact", "c-a", "ws-1", "user", "a", "a@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-b", "ws-1", "user", "b", "shared@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-c", "ws-1", "user", "c", "shared@example.com", null, 1));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void clear() {
        app.log.heal();
        app.log.events.clear();
    }

    private static String item(String data) {
        return "{\"method\":\"post\",\"data_type\":\"event\",\"data\":" + data + "}";
    }

    private static String event(String userId, String name, long createdAt) {
        return "{\"event_name\":\"" + name + "\",\"created_at\":" + createdAt + ",\"user_id\":\"" + userId + "\"}";
    }

    private static Api.Response bulk(List<String> items) {
        return app.api().postJson("/bulk/events", "{\"items\":[" + String.join(",", items) + "]}");
    }

    @Test
    void stores_every_valid_item_and_answers_a_completed_job() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            items.add(item(event(i % 2 == 0 ? "a" : "b", "ordered-item", 1000 + i)));
        }
        Api.Response r = bulk(items);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode job = r.json();
        assertThat(job.get("type").asText()).isEqualTo("job");
        assertThat(job.get("id").asText()).startsWith("job_");
        assertThat(job.get("state").asText()).isEqualTo("completed");
        assertThat(job.get("item_count").asInt()).isEqualTo(12);
        assertThat(job.get("duplicates_ignored").asInt()).isZero();
        assertThat(app.log.events).extracting(RawEvent::createdAt).containsExactlyInAnyOrderElementsOf(range(1000, 12));
        assertThat(app.log.events).extracting(RawEvent::requestId).containsOnly(r.header("X-Request-Id"));
    }

    private static List<Long> range(long from, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(from + i);
        }
        return out;
    }

    @Test
    void one_bad_item_stores_nothing_and_names_the_item_field() {
        List<String> items = List.of(item(event("a", "e", 1)), item(event("a", "e", 2)), item(event("a", "e", 3)),
                item("{\"event_name\":\"e\",\"user_id\":\"a\"}"));
        Api.Response r = bulk(items);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors")).hasSize(1);
        assertThat(r.firstCode()).isEqualTo("parameter_not_found");
        assertThat(r.firstField()).isEqualTo("items[3].data.created_at");
        assertThat(app.log.events).isEmpty();
    }

    @Test
    void reports_one_error_per_bad_item() {
        List<String> items = List.of(item("{\"created_at\":1,\"user_id\":\"a\"}"), item(event("a", "e", 2)),
                "{\"method\":\"delete\",\"data_type\":\"event\",\"data\":" + event("a", "e", 3) + "}",
                "{\"method\":\"post\",\"data_type\":\"user\",\"data\":" + event("a", "e", 4) + "}", "5");
        Api.Response r = bulk(items);
        assertThat(r.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).containsExactly("items[0].data.event_name", "items[2].method", "items[3].data_type", "items[4]");
        assertThat(app.log.events).isEmpty();
    }

    @Test
    void unknown_contacts_make_it_404_and_ambiguous_emails_409_and_invalid_items_win_over_both() {
        String unknown = item(event("nobody", "e", 1));
        String ambiguous = item("{\"event_name\":\"e\",\"created_at\":1,\"email\":\"shared@example.com\"}");
        String invalid = item("{\"event_name\":\"e\",\"created_at\":-1,\"user_id\":\"a\"}");
        String valid = item(event("a", "e", 1));

        Api.Response notFound = bulk(List.of(valid, unknown));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.firstField()).isEqualTo("items[1].data.user_id");
        assertThat(notFound.firstMessage()).isEqualTo("User Not Found");

        Api.Response conflict = bulk(List.of(unknown, valid, ambiguous));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.firstField()).isEqualTo("items[2].data.email");

        Api.Response badRequest = bulk(List.of(ambiguous, unknown, invalid));
        assertThat(badRequest.status()).isEqualTo(400);
        assertThat(badRequest.firstField()).isEqualTo("items[2].data.created_at");
        assertThat(app.log.events).isEmpty();
    }

    @Test
    void repeats_of_an_earlier_item_are_stored_once_and_counted() {
        // The same user by user_id and by email is the same contact: those copies are one event too.
        List<String> items = List.of(item(event("a", "e", 1)), item(event("a", "e", 1)),
                item("{\"event_name\":\"e\",\"created_at\":1,\"email\":\"a@example.com\"}"),
                item(event("a", "e", 2)), item(event("b", "e", 1)), item(event("a", "other", 1)));
        Api.Response r = bulk(items);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("item_count").asInt()).isEqualTo(6);
        assertThat(r.json().get("duplicates_ignored").asInt()).isEqualTo(2);
        Set<String> distinct = app.log.events.stream().map(e -> e.contact().id() + "/" + e.eventName() + "/" + e.createdAt())
                .collect(Collectors.toSet());
        assertThat(distinct).containsExactlyInAnyOrder("c-a/e/1", "c-a/e/2", "c-b/e/1", "c-a/other/1");
        assertThat(app.log.events).hasSize(4);
    }

    @Test
    void more_items_than_the_limit_or_none_is_400_on_items() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            items.add(item(event("a", "e", i)));
        }
        Api.Response tooMany = bulk(items);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.firstField()).isEqualTo("items");
        assertThat(bulk(List.of()).firstField()).isEqualTo("items");
        assertThat(app.api().postJson("/bulk/events", "{}").firstCode()).isEqualTo("parameter_not_found");
        assertThat(app.api().postJson("/bulk/events", "{\"items\":{}}").firstCode()).isEqualTo("parameter_invalid");
        assertThat(app.log.events).isEmpty();
    }

    /**
     * Validation is all or nothing, storing is not: the events of one request are separate writes. Write 3
     * of 6 is lost, so the 503 leaves the other five stored; the client retries the same body. Expected
     * after the retry: every event stored, those of the first attempt twice, and each copy with the event id
     * of its de-duplication key (workspace, contact, name, created_at), which is what dedupe-stream keeps
     * one of. duplicates_ignored still counts repeats within the request only.
     */
    @Test
    void a_bulk_retried_after_a_partly_stored_503_stores_every_event_and_each_copy_carries_its_events_id() {
        // Item 3 repeats item 0: 7 items, 6 distinct events, so 6 writes per attempt.
        String[][] data = {{"a", "e", "1"}, {"a", "e", "2"}, {"b", "e", "1"}, {"a", "e", "1"}, {"a", "other", "1"}, {"b", "e", "2"},
            {"a", "e", "3"}};
        Map<String, String> contactOf = Map.of("a", "c-a", "b", "c-b");
        List<String> items = new ArrayList<>();
        List<String> distinctIds = new ArrayList<>(); // in the order the handler writes them: first copies, item order
        for (String[] d : data) {
            items.add(item(event(d[0], d[1], Long.parseLong(d[2]))));
            String id = EventKeys.eventId("ws-1", contactOf.get(d[0]), d[1], Long.parseLong(d[2]));
            if (!distinctIds.contains(id)) {
                distinctIds.add(id);
            }
        }
        int lostWrite = 3;
        app.log.failWritesNumbered(n -> n == lostWrite ? new EventLog.Unavailable("test: Kafka lost this write", null) : null);

        Api.Response first = bulk(items);
        assertThat(first.status()).as(first.toString()).isEqualTo(503);
        assertThat(first.firstCode()).isEqualTo("service_unavailable");
        assertThat(first.header("Retry-After")).isEqualTo("1");
        List<String> storedByFirst = new ArrayList<>(distinctIds);
        storedByFirst.remove(lostWrite - 1);
        assertThat(app.log.events).extracting(EventKeys::eventId).containsExactlyInAnyOrderElementsOf(storedByFirst);

        app.log.heal();
        Api.Response retry = bulk(items);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(202);
        assertThat(retry.json().get("item_count").asInt()).isEqualTo(data.length);
        assertThat(retry.json().get("duplicates_ignored").asInt()).isEqualTo(data.length - distinctIds.size());

        Map<String, Long> copies = app.log.events.stream().collect(Collectors.groupingBy(EventKeys::eventId, Collectors.counting()));
        Map<String, Long> expectedCopies = new HashMap<>();
        distinctIds.forEach(id -> expectedCopies.put(id, storedByFirst.contains(id) ? 2L : 1L));
        assertThat(copies).isEqualTo(expectedCopies);
        assertThat(app.log.events.stream().filter(e -> e.requestId().equals(retry.header("X-Request-Id"))).map(EventKeys::eventId))
                .as("the retry stored every distinct event once").containsExactlyInAnyOrderElementsOf(distinctIds);
    }

    /** limits.bulk.body.bytes, not the single-event limit, bounds a bulk body, declared or chunked; exactly the limit is accepted. */
    @Test
    void a_bulk_body_over_its_own_limit_is_413_whether_declared_or_chunked() {
        HttpLimits d = HttpLimits.defaults();
        int eventLimit = 1024;
        int bulkLimit = 4096;
        HttpLimits limits = new HttpLimits(eventLimit, bulkLimit, d.bulkMaxItems(), d.appCallsPerWindow(), d.workspaceCallsPerWindow(),
                d.defaultIntercomVersion(), d.idleTimeout(), d.minRequestDataRate(), d.maxHeaderBytes(), d.produceTimeout(), d.maxConnections());
        try (TestApp small = TestApp.start(limits, false)) {
            small.contacts.put(new Contact("contact", "c-a", "ws-1", "user", "a", null, null, 1));
            for (boolean chunked : new boolean[] {false, true}) {
                String atLimit = bulkBodyOfSize(bulkLimit);
                assertThat(atLimit.length()).as("over the event limit: only the bulk limit may apply").isGreaterThan(eventLimit);
                RawHttp.Answer accepted = postRaw(small, atLimit, chunked);
                assertThat(accepted.status()).as("%s, chunked=%s", accepted, chunked).isEqualTo(202);
                assertThat(accepted.json().get("item_count").asInt()).isEqualTo(2);

                small.log.events.clear();
                RawHttp.Answer refused = postRaw(small, bulkBodyOfSize(bulkLimit + 1), chunked);
                assertThat(refused.status()).as("%s, chunked=%s", refused, chunked).isEqualTo(413);
                assertThat(refused.header("Content-Type")).startsWith("application/json");
                assertThat(refused.json().get("request_id").asText()).isEqualTo(refused.header("X-Request-Id"));
                assertThat(refused.json().path("errors").path(0).path("code").asText()).isEqualTo("request_too_large");
                assertThat(small.log.events).isEmpty();
            }
        }
    }

    /** Two valid items and an ignored top-level field padded so the body is exactly {@code size} bytes. */
    private static String bulkBodyOfSize(int size) {
        String head = "{\"items\":[" + item(event("a", "e", 1)) + "," + item(event("a", "e", 2)) + "],\"pad\":\"";
        String body = head + "x".repeat(size - head.length() - 2) + "\"}";
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(size);
        return body;
    }

    private static RawHttp.Answer postRaw(TestApp target, String body, boolean chunked) {
        StringBuilder request = new StringBuilder("POST /bulk/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
                .append(TestApp.WRITER).append("\r\nContent-Type: application/json\r\nConnection: close\r\n");
        if (!chunked) {
            return RawHttp.exchange(target.javalin.port(), request.append("Content-Length: ").append(body.length()).append("\r\n\r\n")
                    .append(body).toString());
        }
        request.append("Transfer-Encoding: chunked\r\n\r\n");
        for (int from = 0; from < body.length(); from += 1000) {
            String chunk = body.substring(from, Math.min(body.length(), from + 1000));
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        return RawHttp.exchange(target.javalin.port(), request.append("0\r\n\r\n").toString());
    }

    @Test
    void a_failed_write_answers_503_never_202() {
        app.log.failWrites = true;
        try {
            Api.Response r = bulk(List.of(item(event("a", "e", 1)), item(event("b", "e", 1))));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.firstCode()).isEqualTo("service_unavailable");
        } finally {
            app.log.failWrites = false;
        }
        assertThat(new HashSet<>(app.log.events)).isEmpty();
    }
}
