package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.RawHttp;
import dev.eventpipeline.ingest.support.TestApp;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /events over real HTTP, one test per row of http-api.md's status table (no broker: an in-memory log). */
class EventsApiTest {

    private static TestApp app;
    private static Api api;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        api = app.api();
        app.contacts.put(new Contact("contact", "c-frodo", "ws-1", "user", "314159", "frodo@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-sam", "ws-1", "user", "sam", "shire@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-rosie", "ws-1", "user", "rosie", "SHIRE@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-lead", "ws-1", "lead", null, "lead@example.com", null, 1));
        app.contacts.put(new Contact("contact", "c-other", "ws-2", "user", "314159", "frodo@example.com", null, 1));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void clear() {
        app.log.events.clear();
    }

    private static Api.Response post(String body) {
        return api.postJson("/events", body);
    }

    private static void assertError(Api.Response r, int status, String code, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("type").asText()).isEqualTo("error.list");
        assertThat(r.json().get("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
        assertThat(r.firstCode()).isEqualTo(code);
        assertThat(r.firstField()).isEqualTo(field);
        assertThat(app.log.events).as("nothing stored for a refused request").isEmpty();
    }

    @Test
    void accepts_a_valid_event_with_202_and_an_empty_body_and_stores_it() {
        Api.Response r = post("{\"event_name\":\"invited-friend\",\"created_at\":1671028894,\"user_id\":\"314159\","
                + "\"metadata\":{\"invite_code\":\"ADDAFRIEND\"}}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body()).isEmpty();
        assertThat(r.header("X-Request-Id")).isNotBlank();
        assertThat(app.log.events).hasSize(1);
        RawEvent e = app.log.events.get(0);
        assertThat(e.requestId()).isEqualTo(r.header("X-Request-Id"));
        assertThat(e.workspaceId()).isEqualTo("ws-1");
        assertThat(e.appId()).isEqualTo("app-1");
        assertThat(e.contact().id()).isEqualTo("c-frodo");
        assertThat(e.eventName()).isEqualTo("invited-friend");
        assertThat(e.createdAt()).isEqualTo(1671028894L);
        assertThat(e.receivedAt()).isEqualTo(TestApp.NOW);
        assertThat(e.intercomVersion()).isEqualTo("2.10");
        assertThat(e.metadata().toString()).isEqualTo("{\"invite_code\":\"ADDAFRIEND\"}");
    }

    @Test
    void accepts_the_same_event_twice_because_duplicates_are_dropped_downstream() {
        String body = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}";
        assertThat(post(body).status()).isEqualTo(202);
        assertThat(post(body).status()).isEqualTo(202);
        assertThat(app.log.events).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"created_at\":1,\"user_id\":\"314159\"}", "{\"event_name\":null,\"created_at\":1,\"user_id\":\"314159\"}",
        "{\"event_name\":\"\",\"created_at\":1,\"user_id\":\"314159\"}"})
    void event_name_missing_null_or_empty_is_400_parameter_not_found(String body) {
        assertError(post(body), 400, "parameter_not_found", "event_name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "true", "[\"e\"]", "{\"a\":\"b\"}"})
    void event_name_not_a_string_is_400_parameter_invalid(String name) {
        assertError(post("{\"event_name\":" + name + ",\"created_at\":1,\"user_id\":\"314159\"}"), 400, "parameter_invalid", "event_name");
    }

    @Test
    void event_name_longer_than_255_characters_is_400_parameter_invalid() {
        assertError(post("{\"event_name\":\"" + "x".repeat(256) + "\",\"created_at\":1,\"user_id\":\"314159\"}"), 400, "parameter_invalid", "event_name");
    }

    @Test
    void created_at_missing_is_400_parameter_not_found() {
        assertError(post("{\"event_name\":\"e\",\"user_id\":\"314159\"}"), 400, "parameter_not_found", "created_at");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "\"1671028894\"", "true", "-1", "99999999999999999999999", "{}"})
    void created_at_not_a_non_negative_integer_is_400_parameter_invalid(String createdAt) {
        assertError(post("{\"event_name\":\"e\",\"created_at\":" + createdAt + ",\"user_id\":\"314159\"}"), 400, "parameter_invalid", "created_at");
    }

    @Test
    void created_at_in_milliseconds_is_400_with_a_message_about_seconds() {
        Api.Response r = post("{\"event_name\":\"e\",\"created_at\":" + TestApp.NOW.toEpochMilli() + ",\"user_id\":\"314159\"}");
        assertError(r, 400, "parameter_invalid", "created_at");
        assertThat(r.firstMessage()).contains("seconds").contains("milliseconds");
    }

    @Test
    void no_identifier_is_400_parameter_not_found_naming_all_three() {
        Api.Response r = post("{\"event_name\":\"e\",\"created_at\":1}");
        assertError(r, 400, "parameter_not_found", null);
        assertThat(r.firstMessage()).contains("user_id").contains("id").contains("email");
    }

    @Test
    void metadata_of_an_unsupported_shape_is_400_naming_the_key() {
        assertError(post("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"metadata\":{\"flag\":true}}"),
                400, "parameter_invalid", "metadata.flag");
        assertError(post("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"metadata\":[1]}"),
                400, "parameter_invalid", "metadata");
    }

    @Test
    void an_unknown_contact_is_404_user_not_found() {
        Api.Response r = post("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"nobody\"}");
        assertError(r, 404, "not_found", null);
        assertThat(r.firstMessage()).isEqualTo("User Not Found");
    }

    @Test
    void a_contact_of_another_workspace_is_not_found() {
        assertError(api.withToken(TestApp.OTHER).postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"id\":\"c-frodo\"}"),
                404, "not_found", null);
    }

    @Test
    void an_email_shared_by_two_users_is_409_conflict_with_intercoms_message() {
        Api.Response r = post("{\"event_name\":\"e\",\"created_at\":1,\"email\":\"shire@example.com\"}");
        assertError(r, 409, "conflict", null);
        assertThat(r.firstMessage()).isEqualTo("Multiple existing users match this email address shire@example.com"
                + " - must be more specific using user_id");
    }

    @Test
    void an_ambiguous_email_with_a_user_id_resolves_by_user_id() {
        assertThat(post("{\"event_name\":\"e\",\"created_at\":1,\"email\":\"shire@example.com\",\"user_id\":\"sam\"}").status()).isEqualTo(202);
        assertThat(app.log.events.get(0).contact().id()).isEqualTo("c-sam");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"id\":\"c-sam\",\"user_id\":\"314159\",\"email\":\"frodo@example.com\"|c-sam",
        "\"user_id\":\"314159\",\"email\":\"lead@example.com\"|c-frodo",
        "\"email\":\"FRODO@example.com\"|c-frodo",
        "\"id\":\"c-lead\"|c-lead",
        "\"id\":\"no-such-id\",\"user_id\":\"sam\"|c-sam"})
    void resolves_id_then_user_id_then_email(String identifiers, String expectedContact) {
        Api.Response r = post("{\"event_name\":\"e\",\"created_at\":1," + identifiers + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(app.log.events.get(0).contact().id()).isEqualTo(expectedContact);
    }

    @Test
    void email_never_matches_a_lead() {
        assertError(post("{\"event_name\":\"e\",\"created_at\":1,\"email\":\"lead@example.com\"}"), 404, "not_found", null);
    }

    @Test
    void the_workspace_comes_from_the_token_never_from_the_body() {
        assertThat(post("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"workspace_id\":\"ws-2\"}").status()).isEqualTo(202);
        assertThat(app.log.events.get(0).workspaceId()).isEqualTo("ws-1");
        assertThat(app.log.events.get(0).contact().id()).isEqualTo("c-frodo");
    }

    @Test
    void records_the_intercom_version_sent() {
        Api.Response r = api.send("/events", "POST", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}",
                Map.of("Content-Type", "application/json", "Intercom-Version", "Preview"));
        assertThat(r.status()).isEqualTo(202);
        assertThat(app.log.events.get(0).intercomVersion()).isEqualTo("Preview");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.18", "preview", "3.0", "1.5", "2.1O", "v2.10"})
    void an_unknown_intercom_version_is_400_intercom_version_invalid(String version) {
        Api.Response r = api.send("/events", "POST", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}",
                Map.of("Content-Type", "application/json", "Intercom-Version", version));
        assertError(r, 400, "intercom_version_invalid", null);
    }

    /**
     * http-api.md: when the header is present it must be a listed version. An empty value (or only
     * whitespace, which HTTP strips) is present and lists none, so it is refused, not read as absent.
     * Written over a raw socket: an HTTP client may drop or trim an empty header before sending it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "   "})
    void an_empty_intercom_version_header_is_present_and_400_intercom_version_invalid(String value) {
        String body = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}";
        RawHttp.Answer r = RawHttp.exchange(app.javalin.port(), "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TestApp.WRITER + "\r\nContent-Type: application/json\r\n"
                + "Intercom-Version:" + value + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
        assertThat(r.json().path("errors").path(0).path("code").asText()).isEqualTo("intercom_version_invalid");
        assertThat(app.log.events).as("nothing stored for a refused request").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.4", "2.0", "2.17", "Unstable"})
    void accepts_every_listed_intercom_version(String version) {
        Api.Response r = api.send("/events", "POST", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}",
                Map.of("Content-Type", "application/json", "Intercom-Version", version));
        assertThat(r.status()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx"})
    void a_wrong_content_type_is_415(String contentType) {
        assertError(api.send("/events", "POST", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}",
                Map.of("Content-Type", contentType)), 415, "unsupported_media_type", null);
    }

    @Test
    void a_missing_content_type_is_415() {
        assertError(api.send("/events", "POST", "{}", Map.of()), 415, "unsupported_media_type", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=\"UTF-8\""})
    void accepts_json_content_types_with_parameters(String contentType) {
        assertThat(api.send("/events", "POST", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}",
                Map.of("Content-Type", contentType)).status()).isEqualTo(202);
    }

    @Test
    void rejects_body_over_limit_with_413() {
        int limit = HttpLimits.defaults().eventBodyBytes();
        String padding = "x".repeat(limit);
        assertError(post("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"metadata\":{\"p\":\"" + padding + "\"}}"),
                413, "request_too_large", null);
    }

    @Test
    void accepts_body_exactly_at_the_limit() {
        int limit = HttpLimits.defaults().eventBodyBytes();
        String head = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"x\":\"";
        String body = head + "y".repeat(limit - head.length() - 2) + "\"}";
        assertThat(body.length()).isEqualTo(limit);
        assertThat(post(body).status()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"} trailing",
        "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}{}",
        "{\"event_name\":\"e\",\"event_name\":\"f\",\"created_at\":1,\"user_id\":\"314159\"}",
        "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",}",
        "{'event_name':'e'}", "{event_name:1}", "not json", "", "[]", "null", "\"text\"", "{\"a\":NaN}",
        "{\"event_name\":\"e\" /* comment */}",
        "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"a\":[[[[[[[[1]]]]]]]]}"})
    void malformed_json_is_400_parameter_invalid(String body) {
        assertError(post(body), 400, "parameter_invalid", null);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"event_name\":\"a\\ud800b\",\"created_at\":1,\"user_id\":\"314159\"}|event_name",
        "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"metadata\":{\"k\":\"\\udc00\"}}|metadata.k",
        "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"metadata\":{\"k\\ud83d\":1}}|",
        "{\"event_name\":\"e\\u0000\",\"created_at\":1,\"user_id\":\"314159\"}|event_name",
        "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"3\\u00001\"}|user_id"})
    void unpaired_surrogates_and_nul_are_400_naming_the_field(String body, String field) {
        assertError(post(body), 400, "parameter_invalid", field);
    }

    @Test
    void paired_surrogates_escaped_or_raw_are_accepted_as_the_same_name() {
        assertThat(post("{\"event_name\":\"\\ud83d\\ude00\",\"created_at\":1,\"user_id\":\"314159\"}").status()).isEqualTo(202);
        assertThat(post("{\"event_name\":\"\uD83D\uDE00\",\"created_at\":1,\"user_id\":\"314159\"}").status()).isEqualTo(202);
        assertThat(app.log.events).extracting(RawEvent::eventName).containsExactly("\uD83D\uDE00", "\uD83D\uDE00");
    }

    @Test
    void nesting_of_eight_levels_is_parsed_and_nine_is_refused() {
        // Depth 8: the body object and seven nested arrays, in an ignored field.
        String eight = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"a\":[[[[[[[1]]]]]]]}";
        assertThat(post(eight).status()).isEqualTo(202);
        String nine = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\",\"a\":[[[[[[[[1]]]]]]]]}";
        app.log.events.clear();
        assertError(post(nine), 400, "parameter_invalid", null);
    }

    @Test
    void a_string_longer_than_64_kib_is_refused_even_under_a_larger_body_limit() {
        try (TestApp big = TestApp.start(new HttpLimits(1 << 20, 2 << 20, 100, 1000, 1000, "2.10",
                java.time.Duration.ofSeconds(30), 1024, 8192, java.time.Duration.ofSeconds(5), 10_000), false)) {
            big.contacts.put(new Contact("contact", "c1", "ws-1", "user", "u", null, null, 1));
            String ok = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\",\"metadata\":{\"s\":\"" + "x".repeat(64 * 1024) + "\"}}";
            assertThat(big.api().postJson("/events", ok).status()).isEqualTo(202);
            String tooLong = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\",\"metadata\":{\"s\":\"" + "x".repeat(64 * 1024 + 1) + "\"}}";
            Api.Response r = big.api().postJson("/events", tooLong);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.firstCode()).isEqualTo("parameter_invalid");
            assertThat(big.log.events).hasSize(1);
        }
    }

    @Test
    void a_write_the_log_cannot_take_is_503_with_retry_after_and_never_2xx() {
        app.log.failWrites = true;
        try {
            Api.Response r = post("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}");
            assertError(r, 503, "service_unavailable", null);
            assertThat(r.header("Retry-After")).isEqualTo("1");
        } finally {
            app.log.failWrites = false;
        }
    }

    @Test
    void every_response_has_a_fresh_request_id_and_no_server_header() {
        Api.Response a = post("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"314159\"}");
        Api.Response b = api.get("/healthz");
        Api.Response c = api.get("/no/such/path");
        for (Api.Response r : new Api.Response[] {a, b, c}) {
            assertThat(UUID.fromString(r.header("X-Request-Id"))).isNotNull();
            assertThat(r.header("Server")).isNull();
        }
        assertThat(a.header("X-Request-Id")).isNotEqualTo(b.header("X-Request-Id"));
        assertThat(c.status()).isEqualTo(404);
        assertThat(c.firstCode()).isEqualTo("not_found");
        assertThat(c.json().get("request_id").asText()).isEqualTo(c.header("X-Request-Id"));
    }
}
