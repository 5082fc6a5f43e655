package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import dev.eventpipeline.ingest.support.TestStore;
import dev.eventpipeline.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET /events over real HTTP against the real app, one test per row of http-api.md's GET /events
 * section. The store is a real SQLite file written by the sink's EventStore; the expected answers are
 * computed from the events written here (newest first, 90 days back from the app's clock).
 */
class ListEventsApiTest {

    private static final long NOW = TestApp.NOW.getEpochSecond();
    private static final long DAY = 86_400;
    private static final ContactRef FRODO = new ContactRef("c-frodo", "user", "314159", "frodo@example.com");
    private static final ContactRef SAM = new ContactRef("c-sam", "user", "sam", "shire@example.com");
    private static final ContactRef LEAD = new ContactRef("c-lead", "lead", null, "lead@example.com");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NEXT = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/events\\?type=user&intercom_user_id=c-frodo&per_page=(\\d+)&before=([A-Za-z0-9_-]{34})");

    private static TestStore store;
    private static TestApp app;
    private static Api api;
    /** Frodo's events within the 90 days, newest first: the oracle of every listing of him. */
    private static List<CleanEvent> frodoListed;

    @BeforeAll
    static void start() {
        store = new TestStore(TestDatabase.Kind.SQLITE);
        List<CleanEvent> frodo = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // Pairs share a created_at (ties are ordered by id) and two names alternate, for the summary.
            frodo.add(TestStore.event("ws-1", FRODO, i % 2 == 0 ? "invited-friend" : "logged-in", NOW - (i / 2) * 3600L,
                    "{\"invite_code\":\"ADDAFRIEND\",\"load\":3.670,\"price\":{\"amount\":34999,\"currency\":\"eur\"}}"));
        }
        frodoListed = frodo.stream()
                .sorted(Comparator.comparingLong(CleanEvent::createdAt).thenComparing(CleanEvent::id).reversed()).toList();
        List<CleanEvent> all = new ArrayList<>(frodo);
        // Older than 90 days: never listed, but part of the summary (Intercom's summaries cover all events).
        all.add(TestStore.event("ws-1", FRODO, "invited-friend", NOW - 91 * DAY, "{}"));
        all.add(TestStore.event("ws-1", SAM, "signed-up", 1_790_000_000L, "{\"plan\":\"pro\"}"));
        all.add(TestStore.event("ws-1", LEAD, "visited-pricing", 1_795_000_000L, "{\"page\":{\"url\":\"https://example.org/p\",\"value\":\"Pricing\"}}"));
        store.write(all);

        app = TestApp.startWithStore(store.readPool());
        api = app.api(TestApp.READER);
        app.contacts.put(new Contact("contact", "c-frodo", "ws-1", "user", "314159", "frodo@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-sam", "ws-1", "user", "sam", "shire@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-rosie", "ws-1", "user", "rosie", "SHIRE@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-lead", "ws-1", "lead", null, "lead@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-other", "ws-2", "user", "elsewhere", "other@example.com", null, 1));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        store.close();
    }

    private static void assertError(Api.Response r, int status, String code, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("type").asText()).isEqualTo("error.list");
        assertThat(r.json().get("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
        assertThat(r.firstCode()).isEqualTo(code);
        assertThat(r.firstField()).isEqualTo(field);
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("events").forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    private static List<String> ids(List<CleanEvent> events) {
        return events.stream().map(CleanEvent::id).toList();
    }

    @Test
    void a_token_without_the_read_scope_is_403_action_forbidden() {
        assertError(app.api(TestApp.WRITE_ONLY).get("/events?type=user&user_id=314159"), 403, "action_forbidden", null);
    }

    @Test
    void no_token_is_401_with_www_authenticate() {
        Api.Response r = app.api(null).get("/events?type=user&user_id=314159");
        assertError(r, 401, "unauthorized", null);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/events?user_id=314159", "/events?type=lead&user_id=314159", "/events?type=&user_id=314159",
            "/events?type=USER&user_id=314159"})
    void type_other_than_user_is_400_parameter_invalid_on_type(String path) {
        assertError(api.get(path), 400, "parameter_invalid", "type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/events?type=user", "/events?type=user&user_id=", "/events?type=user&email=&intercom_user_id="})
    void no_identifier_is_400_parameter_not_found_naming_all_three(String path) {
        Api.Response r = api.get(path);
        assertError(r, 400, "parameter_not_found", null);
        assertThat(r.firstMessage()).contains("user_id", "intercom_user_id", "email");
    }

    @Test
    void two_identifiers_are_400_parameter_invalid_even_when_they_name_the_same_contact() {
        Api.Response r = api.get("/events?type=user&user_id=314159&email=frodo%40example.com");
        assertError(r, 400, "parameter_invalid", null);
        assertThat(r.firstMessage()).contains("user_id and email");
    }

    @Test
    void a_parameter_given_twice_is_400_on_that_parameter() {
        assertError(api.get("/events?type=user&user_id=314159&user_id=sam"), 400, "parameter_invalid", "user_id");
        assertError(api.get("/events?type=user&user_id=314159&per_page=5&per_page=6"), 400, "parameter_invalid", "per_page");
    }

    @Test
    void every_problem_of_the_query_is_reported_at_once() {
        Api.Response r = api.get("/events?type=lead&per_page=0&before=nope");
        assertThat(r.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.path("field").asText("-") + ":" + e.get("code").asText()));
        assertThat(fields).containsExactly("type:parameter_invalid", "-:parameter_not_found", "per_page:parameter_invalid",
                "before:parameter_invalid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc", "1.5", "", "+5", "1000", "99999999999"})
    void per_page_outside_1_to_100_or_not_an_integer_is_400_on_per_page(String perPage) {
        assertError(api.get("/events?type=user&user_id=314159&per_page=" + perPage), 400, "parameter_invalid", "per_page");
    }

    @Test
    void per_page_1_and_100_are_the_edges_and_15_is_the_default() {
        JsonNode one = api.get("/events?type=user&user_id=314159&per_page=1").json();
        assertThat(ids(one)).isEqualTo(ids(frodoListed.subList(0, 1)));
        assertThat(one.get("pages").get("next").asText()).contains("&per_page=1&");

        JsonNode hundred = api.get("/events?type=user&user_id=314159&per_page=100").json();
        assertThat(ids(hundred)).isEqualTo(ids(frodoListed));
        assertThat(hundred.get("pages").get("next").isNull()).isTrue();

        JsonNode byDefault = api.get("/events?type=user&user_id=314159").json();
        assertThat(ids(byDefault)).isEqualTo(ids(frodoListed.subList(0, 15)));
        assertThat(byDefault.get("pages").get("next").asText()).contains("&per_page=15&");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "AQAAAABjmeCelRtaY3ePyLYDrQc-vCtoJ", "AQAAAABjmeCelRtaY3ePyLYDrQc-vCtoJA=",
            "AgAAAABjmeCelRtaY3ePyLYDrQc-vCtoJA", "AQAAAABjmeCelRtaY3ePyLYDrQc-vCtoJB", "AQAAAABjmeCelRtaY3ePyLYDrQc+vCtoJA"})
    void a_cursor_this_server_did_not_issue_is_400_on_before(String cursor) {
        assertError(api.get("/events?type=user&user_id=314159&before=" + cursor.replace("+", "%2B").replace("=", "%3D")),
                400, "parameter_invalid", "before");
    }

    @Test
    void a_query_that_is_not_valid_percent_encoding_is_400_not_500() throws Exception {
        // java.net.http will not send such a URI: a raw request does.
        String response = rawGet("/events?type=user&email=frodo%zzexample.com", "127.0.0.1");
        assertThat(response).startsWith("HTTP/1.1 400");
        JsonNode body = Json.mapper().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(body.get("type").asText()).isEqualTo("error.list");
        assertThat(body.get("errors").get(0).get("code").asText()).isEqualTo("parameter_invalid");
    }

    @Test
    void an_unknown_contact_is_404_user_not_found_whichever_identifier_names_it() {
        for (String query : List.of("user_id=nobody", "intercom_user_id=c-nobody", "email=nobody%40example.com",
                // Another workspace's contact is unknown here.
                "intercom_user_id=c-other", "user_id=elsewhere",
                // user_id and email name users only: a lead is found by its id alone.
                "email=lead%40example.com")) {
            Api.Response r = api.get("/events?type=user&" + query);
            assertError(r, 404, "not_found", null);
            assertThat(r.firstMessage()).as(query).isEqualTo("User Not Found");
        }
    }

    @Test
    void an_email_shared_by_two_users_is_409_conflict_as_for_post_events() {
        Api.Response r = api.get("/events?type=user&email=shire%40example.com");
        assertError(r, 409, "conflict", null);
        assertThat(r.firstMessage()).isEqualTo(
                "Multiple existing users match this email address shire@example.com - must be more specific using user_id");
    }

    @Test
    void an_email_is_matched_case_insensitively_as_for_post_events() {
        assertThat(ids(api.get("/events?type=user&email=FRODO%40Example.com&per_page=100").json())).isEqualTo(ids(frodoListed));
    }

    @Test
    void a_lead_is_listed_through_intercom_user_id_with_a_null_user_id() {
        Api.Response r = api.get("/events?type=user&intercom_user_id=c-lead");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode event = r.json().get("events").get(0);
        assertThat(event.get("event_name").asText()).isEqualTo("visited-pricing");
        assertThat(event.get("user_id").isNull()).isTrue();
        assertThat(event.get("email").asText()).isEqualTo("lead@example.com");
        assertThat(event.get("intercom_user_id").asText()).isEqualTo("c-lead");
        assertThat(event.get("metadata").toString()).isEqualTo("{\"page\":{\"url\":\"https://example.org/p\",\"value\":\"Pricing\"}}");
    }

    @Test
    void the_list_has_intercoms_shape_exactly_with_metadata_as_sent_and_a_null_next_on_the_last_page() {
        Api.Response r = api.get("/events?type=user&user_id=sam");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("X-RateLimit-Limit")).isNotBlank();
        CleanEvent e = TestStore.event("ws-1", SAM, "signed-up", 1_790_000_000L, "{}");
        assertThat(r.body()).isEqualTo("{\"type\":\"event.list\",\"events\":[{\"type\":\"event\",\"id\":\"" + e.id() + "\","
                + "\"event_name\":\"signed-up\",\"created_at\":1790000000,\"user_id\":\"sam\",\"email\":\"shire@example.com\","
                + "\"intercom_user_id\":\"c-sam\",\"metadata\":{\"plan\":\"pro\"}}],\"pages\":{\"next\":null}}");
    }

    @Test
    void metadata_numbers_keep_the_digits_that_were_sent_and_keys_their_order() {
        String body = api.get("/events?type=user&user_id=314159&per_page=1").body();
        assertThat(body).contains("\"metadata\":{\"invite_code\":\"ADDAFRIEND\",\"load\":3.670,\"price\":{\"amount\":34999,\"currency\":\"eur\"}}");
    }

    @Test
    void following_pages_next_walks_every_listed_event_once_newest_first_and_stops_at_null() {
        List<String> walked = new ArrayList<>();
        String path = "/events?type=user&email=frodo%40example.com&per_page=7";
        int pages = 0;
        while (path != null && pages++ < 10) {
            JsonNode page = api.get(path).json();
            walked.addAll(ids(page));
            JsonNode next = page.get("pages").get("next");
            if (next.isNull()) {
                path = null;
            } else {
                Matcher m = NEXT.matcher(next.asText());
                assertThat(m.matches()).as(next.asText()).isTrue();
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(app.javalin.port());
                assertThat(m.group(2)).isEqualTo("7");
                path = next.asText().substring(next.asText().indexOf("/events"));
            }
        }
        // 20 listed events in pages of 7: 7, 7, 6. The 91-day-old event never appears.
        assertThat(pages).isEqualTo(3);
        assertThat(walked).isEqualTo(ids(frodoListed));
    }

    @Test
    void pages_next_is_built_on_the_host_header_the_client_sent() throws Exception {
        String response = rawGet("/events?type=user&user_id=314159&per_page=2", "api.example.test:8443");
        assertThat(response).startsWith("HTTP/1.1 200");
        JsonNode body = Json.mapper().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(body.get("pages").get("next").asText())
                .startsWith("http://api.example.test:8443/events?type=user&intercom_user_id=c-frodo&per_page=2&before=");
    }

    @Test
    void a_host_header_that_is_no_host_is_not_echoed_into_pages_next() throws Exception {
        String response = rawGet("/events?type=user&user_id=314159&per_page=2", "evil.test\"/x");
        // Jetty may refuse such a Host itself; if it lets it through, the URL uses the address the request reached.
        if (response.startsWith("HTTP/1.1 200")) {
            JsonNode body = Json.mapper().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertThat(body.get("pages").get("next").asText()).startsWith("http://127.0.0.1:" + app.javalin.port() + "/events?");
        } else {
            assertThat(response).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void the_summary_has_intercoms_shape_with_millisecond_utc_times_and_counts_all_events() {
        Api.Response r = api.get("/events?type=user&user_id=314159&summary=true");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        // From the input: invited-friend at NOW - k*3600 for k = 0..9 plus one 91 days old; logged-in at the same ten times.
        String invitedFirst = TIME.format(Instant.ofEpochSecond(NOW - 91 * DAY));
        String first = TIME.format(Instant.ofEpochSecond(NOW - 9 * 3600));
        String last = TIME.format(Instant.ofEpochSecond(NOW));
        assertThat(r.body()).isEqualTo("{\"type\":\"event.summary\",\"user_id\":\"314159\",\"email\":\"frodo@example.com\","
                + "\"intercom_user_id\":\"c-frodo\",\"events\":["
                + "{\"name\":\"invited-friend\",\"first\":\"" + invitedFirst + "\",\"last\":\"" + last + "\",\"count\":11,\"description\":null},"
                + "{\"name\":\"logged-in\",\"first\":\"" + first + "\",\"last\":\"" + last + "\",\"count\":10,\"description\":null}]}");
        assertThat(last).isEqualTo("2026-11-27T08:00:03.000Z");
    }

    @Test
    void summary_false_is_the_list_and_anything_else_but_true_is_400_on_summary() {
        assertThat(api.get("/events?type=user&user_id=sam&summary=false").json().get("type").asText()).isEqualTo("event.list");
        assertError(api.get("/events?type=user&user_id=sam&summary=yes"), 400, "parameter_invalid", "summary");
    }

    @Test
    void a_contact_without_events_has_an_empty_list_and_an_empty_summary() {
        assertThat(api.get("/events?type=user&user_id=rosie").body())
                .isEqualTo("{\"type\":\"event.list\",\"events\":[],\"pages\":{\"next\":null}}");
        assertThat(api.get("/events?type=user&user_id=rosie&summary=true").body())
                .isEqualTo("{\"type\":\"event.summary\",\"user_id\":\"rosie\",\"email\":\"SHIRE@example.com\",\"intercom_user_id\":\"c-rosie\",\"events\":[]}");
    }

    @Test
    void a_store_the_sink_has_not_created_is_503_with_retry_after_never_500() {
        try (TestApp noStore = TestApp.start()) {
            Api reader = noStore.api(TestApp.READER);
            noStore.contacts.put(new Contact("contact", "c-frodo", "ws-1", "user", "314159", "frodo@example.com", null, 1));
            for (String path : List.of("/events?type=user&user_id=314159", "/events?type=user&user_id=314159&summary=true")) {
                Api.Response r = reader.get(path);
                assertError(r, 503, "service_unavailable", null);
                assertThat(r.header("Retry-After")).isEqualTo("5");
            }
            // Validation and contacts are answered without the store.
            assertError(reader.get("/events?type=user&user_id=nobody"), 404, "not_found", null);
            assertThat(noStore.api().get("/metrics").body())
                    .contains("ingest_event_reads_total{outcome=\"not_migrated\"} 2.0")
                    .contains("ingest_event_reads_total{outcome=\"not_found\"} 1.0");
        }
    }

    @Test
    void reads_are_counted_by_outcome_and_labelled_by_route() {
        double okBefore = metric("ingest_event_reads_total{outcome=\"ok\"}");
        double invalidBefore = metric("ingest_event_reads_total{outcome=\"invalid\"}");
        api.get("/events?type=user&user_id=sam");
        api.get("/events?type=user&user_id=sam&summary=true");
        api.get("/events?type=lead&user_id=sam");
        assertThat(metric("ingest_event_reads_total{outcome=\"ok\"}")).isEqualTo(okBefore + 2);
        assertThat(metric("ingest_event_reads_total{outcome=\"invalid\"}")).isEqualTo(invalidBefore + 1);
        assertThat(app.api().get("/metrics").body()).contains("ingest_requests_total{method=\"GET\",route=\"/events\",status=\"200\"}");
    }

    private static double metric(String series) {
        for (String line : app.api().get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    /** A GET with a Host header of our choosing (java.net.http refuses to set it). */
    private static String rawGet(String path, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", app.javalin.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + TestApp.READER
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        }
    }
}
