package dev.eventpipeline.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every authentication case of http-api.md over HTTP. */
class AuthApiTest {

    private static final String EVENT = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\"}";
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        app.contacts.put(new Contact("contact", "c1", "ws-1", "user", "u", null, null, 1));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static Api.Response postWith(String authorization) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        return app.api(null).send("/events", "POST", EVENT, headers);
    }

    private static String basic(String userPass) {
        return Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer writer-token", "bearer writer-token", "BEARER   writer-token"})
    void accepts_a_bearer_token_with_any_scheme_case(String header) {
        assertThat(postWith(header).status()).isEqualTo(202);
    }

    @Test
    void accepts_basic_auth_with_the_token_as_user_and_no_password_as_legacy_clients_send() {
        assertThat(postWith("Basic " + basic("writer-token:")).status()).isEqualTo(202);
        assertThat(postWith("basic " + basic("writer-token:")).status()).isEqualTo(202);
        assertThat(postWith("Basic " + basic("writer-token")).status()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer wrong-token", "Token writer-token", "writer-token",
        "Basic !!!not-base64!!!", "Basic Og==", "Bearer writer-token-and-more", "Bearer WRITER-TOKEN"})
    void missing_malformed_or_unknown_tokens_are_401_access_token_invalid(String header) {
        Api.Response r = postWith(header.isEmpty() ? null : header);
        assertThat(r.status()).as(header).isEqualTo(401);
        assertThat(r.firstCode()).isEqualTo("unauthorized");
        assertThat(r.firstMessage()).isEqualTo("Access Token Invalid");
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(r.json().get("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
        assertThat(r.header("X-RateLimit-Limit")).as("no rate-limit headers without valid credentials").isNull();
    }

    @Test
    void basic_auth_with_an_unknown_token_is_401() {
        assertThat(postWith("Basic " + basic("nobody:")).status()).isEqualTo(401);
    }

    @Test
    void a_token_without_the_write_scope_is_403_action_forbidden_on_post() {
        Api.Response r = postWith("Bearer " + TestApp.READER);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.firstCode()).isEqualTo("action_forbidden");
        assertThat(app.log.events.stream().filter(e -> e.appId().equals("app-2"))).isEmpty();
    }

    @Test
    void a_read_token_may_get_a_contact_and_a_write_token_too() {
        assertThat(app.api(TestApp.READER).get("/contacts/c1").status()).isEqualTo(200);
        assertThat(app.api(TestApp.WRITER).get("/contacts/c1").status()).isEqualTo(200);
        assertThat(app.api("nope").get("/contacts/c1").status()).isEqualTo(401);
    }

    @Test
    void a_read_token_may_not_create_contacts() {
        assertThat(app.api(TestApp.READER).postJson("/contacts", "{\"external_id\":\"x\"}").status()).isEqualTo(403);
    }

    @Test
    void operational_endpoints_need_no_token() {
        Api anonymous = app.api(null);
        assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
        assertThat(anonymous.get("/readyz").status()).isEqualTo(200);
        assertThat(anonymous.get("/metrics").status()).isEqualTo(200);
    }
}
