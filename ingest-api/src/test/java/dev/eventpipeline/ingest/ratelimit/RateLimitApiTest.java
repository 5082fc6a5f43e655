package dev.eventpipeline.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.http.HttpLimits;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.MutableClock;
import dev.eventpipeline.ingest.support.TestApp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Intercom's rate limits over HTTP: the three headers, 429 with Retry-After, per app and per workspace. */
class RateLimitApiTest {

    private static final String EVENT = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\"}";
    /** 08:00:03 UTC: the window is [08:00:00, 08:00:10), so it resets at 08:00:10 and Retry-After is 7 s. */
    private static final Instant START = Instant.parse("2026-11-27T08:00:03Z");

    private static TestApp start(int appPerWindow, int workspacePerWindow, MutableClock clock) {
        TestApp app = TestApp.start(HttpLimits.defaults().withRateLimits(appPerWindow, workspacePerWindow), false, clock);
        app.contacts.put(new Contact("contact", "c1", "ws-1", "user", "u", null, null, 1));
        return app;
    }

    @Test
    void every_authenticated_response_carries_the_three_headers_counting_down() {
        MutableClock clock = new MutableClock(START);
        try (TestApp app = start(5, 100, clock)) {
            Api api = app.api();
            long reset = START.getEpochSecond() - START.getEpochSecond() % 10 + 10;
            for (int i = 1; i <= 3; i++) {
                Api.Response r = i == 2 ? api.postJson("/events", "{}") : api.postJson("/events", EVENT); // a 400 counts too
                assertThat(r.header("X-RateLimit-Limit")).isEqualTo("5");
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(5 - i));
                assertThat(r.header("X-RateLimit-Reset")).isEqualTo(Long.toString(reset));
            }
        }
    }

    @Test
    void over_the_app_limit_is_429_with_retry_after_until_the_window_ends() {
        MutableClock clock = new MutableClock(START);
        try (TestApp app = start(3, 100, clock)) {
            Api api = app.api();
            for (int i = 0; i < 3; i++) {
                assertThat(api.postJson("/events", EVENT).status()).isEqualTo(202);
            }
            Api.Response refused = api.postJson("/events", EVENT);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.firstCode()).isEqualTo("rate_limit_exceeded");
            assertThat(refused.firstMessage()).isEqualTo("Exceeded rate limit of 3 in 10_seconds");
            assertThat(refused.header("Retry-After")).isEqualTo("7");
            assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(app.log.events).hasSize(3);

            clock.advance(Duration.ofSeconds(7));
            Api.Response next = api.postJson("/events", EVENT);
            assertThat(next.status()).isEqualTo(202);
            assertThat(next.header("X-RateLimit-Remaining")).isEqualTo("2");
        }
    }

    @Test
    void the_workspace_limit_is_shared_by_its_apps() {
        MutableClock clock = new MutableClock(START);
        try (TestApp app = start(100, 4, clock)) {
            Api writer = app.api(TestApp.WRITER);
            Api reader = app.api(TestApp.READER); // another app of ws-1
            for (int i = 0; i < 2; i++) {
                assertThat(writer.postJson("/events", EVENT).status()).isEqualTo(202);
                assertThat(reader.get("/contacts/c1").status()).isEqualTo(200);
            }
            Api.Response refused = reader.get("/contacts/c1");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.firstMessage()).isEqualTo("Exceeded rate limit of 4 in 10_seconds");
            // Another workspace is not affected.
            app.contacts.put(new Contact("contact", "c2", "ws-2", "user", "u", null, null, 1));
            assertThat(app.api(TestApp.OTHER).postJson("/events", EVENT).status()).isEqualTo(202);
        }
    }

    @Test
    void a_bulk_request_counts_as_one_call() {
        MutableClock clock = new MutableClock(START);
        try (TestApp app = start(2, 100, clock)) {
            String item = "{\"method\":\"post\",\"data_type\":\"event\",\"data\":{\"event_name\":\"e\",\"created_at\":%d,\"user_id\":\"u\"}}";
            String bulk = "{\"items\":[" + String.format(item, 1) + "," + String.format(item, 2) + "," + String.format(item, 3) + "]}";
            Api.Response r = app.api().postJson("/bulk/events", bulk);
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.header("X-RateLimit-Remaining")).isEqualTo("1");
        }
    }

    @Test
    void per_window_limits_round_intercoms_per_minute_figures_up() {
        assertThat(RateLimiter.perWindow(10_000)).isEqualTo(1667);
        assertThat(RateLimiter.perWindow(25_000)).isEqualTo(4167);
        assertThat(RateLimiter.perWindow(1_000)).isEqualTo(167);
    }
}
