package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * http-api.md: "An unexpected failure is a 500, code server_error, with no stack trace or internal
 * detail in the body." Two ways in, both over real HTTP: the event log throws instead of answering
 * (from {@code POST /contacts} that reaches the app's catch-all exception mapper; the event handlers
 * compose the write, so there it becomes a failed write), and a write that fails with something other
 * than {@code Unavailable} (the write answer's own 500).
 */
class ServerErrorApiTest {

    /** What must not leak: the failure's message, its class and any stack frame. */
    private static final String SECRET = "db-password=hunter2 at 10.0.0.7";

    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        app.contacts.put(new Contact("contact", "c-a", "ws-1", "user", "a", null, null, 1));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @AfterEach
    void heal() {
        app.log.heal();
        app.log.events.clear();
        app.log.contacts.clear();
    }

    /** The whole body a 500 may have: Intercom's error.list with only our generic message. */
    private static void assertBareServerError(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(500);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        String requestId = r.header("X-Request-Id");
        assertThat(UUID.fromString(requestId)).isNotNull();
        ObjectNode expected = Json.mapper().createObjectNode();
        expected.put("type", "error.list");
        expected.put("request_id", requestId);
        expected.putArray("errors").addObject().put("code", "server_error").put("message", "Internal server error");
        assertThat(r.json()).isEqualTo(expected);
        assertThat(r.body()).doesNotContain(SECRET).doesNotContain("Exception").doesNotContain("at dev.");
        assertThat(r.header("Retry-After")).as("a 500 is not back-pressure").isNull();
    }

    @ParameterizedTest(name = "{0} when the log {1}")
    @CsvSource(delimiter = '|', value = {
        "/events|throws|{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"a\"}",
        "/events|fails the write|{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"a\"}",
        "/bulk/events|throws|{\"items\":[{\"method\":\"post\",\"data_type\":\"event\",\"data\":{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"a\"}}]}",
        "/bulk/events|fails the write|{\"items\":[{\"method\":\"post\",\"data_type\":\"event\",\"data\":{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"a\"}}]}",
        "/contacts|throws|{\"email\":\"new@example.com\"}",
        "/contacts|fails the write|{\"email\":\"new@example.com\"}"})
    void an_unexpected_failure_of_the_event_log_is_a_bare_500_server_error(String path, String fault, String body) {
        IllegalStateException failure = new IllegalStateException(SECRET);
        if (fault.equals("throws")) {
            app.log.throwOnAppend = failure;
        } else {
            app.log.failWritesNumbered(n -> failure);
        }
        assertBareServerError(app.api().postJson(path, body));
        assertThat(app.log.events).isEmpty();
        assertThat(app.log.contacts).isEmpty();
    }

    @Test
    void a_contact_create_that_failed_unexpectedly_leaves_its_external_id_free_for_a_retry() {
        app.log.throwOnAppend = new IllegalStateException(SECRET);
        String body = "{\"external_id\":\"retry-me\"}";
        assertBareServerError(app.api().postJson("/contacts", body));

        app.log.heal();
        Api.Response retried = app.api().postJson("/contacts", body);
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        JsonNode contact = retried.json();
        assertThat(contact.get("external_id").asText()).isEqualTo("retry-me");
        assertThat(app.log.contacts).extracting(Contact::externalId).containsExactly("retry-me");
    }
}
