package dev.eventpipeline.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.http.HttpLimits;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a token sets for itself (written by {@code token create --rate-limit/--intercom-version}) wins over
 * the service's defaults, over real HTTP: its calls per minute, and the Intercom-Version recorded when a
 * request sends none. The clock is fixed inside one 10-second window, so every call counts in the same one.
 */
class TokenSettingsApiTest {

    private static final String EVENT = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\"}";
    private static final String OWN_LIMIT = "own-limit-token";
    private static final String OWN_VERSION = "own-version-token";

    private static TestApp start(HttpLimits limits, ApiToken token) {
        TestApp app = TestApp.start(limits, Clock.fixed(TestApp.NOW, ZoneOffset.UTC), List.of(token));
        app.contacts.put(new Contact("contact", "c-" + token.workspaceId(), token.workspaceId(), "user", "u", null, null, 1));
        app.contacts.put(new Contact("contact", "c-ws-1", "ws-1", "user", "u", null, null, 1));
        return app;
    }

    private static ApiToken tokenWithRateLimit(int perMinute) {
        return new ApiToken(TokenRegistry.digestHex(OWN_LIMIT), "ws-limited", "app-limited", Set.of(ApiToken.WRITE), perMinute, null);
    }

    /** Per minute as Intercom states limits; per 10-second window as they are enforced (ceil(n/6)). */
    @ParameterizedTest(name = "token {0}/min against a service default of {1}/window")
    @CsvSource({"60,50", "600,3"})
    void a_tokens_own_rate_limit_overrides_the_service_default_either_way(int tokenPerMinute, int defaultPerWindow) {
        int tokenPerWindow = RateLimiter.perWindow(tokenPerMinute);
        try (TestApp app = start(HttpLimits.defaults().withRateLimits(defaultPerWindow, 10_000), tokenWithRateLimit(tokenPerMinute))) {
            Api own = app.api(OWN_LIMIT);
            for (int i = 1; i <= tokenPerWindow; i++) {
                Api.Response r = own.postJson("/events", EVENT);
                assertThat(r.status()).as("call %d: %s", i, r).isEqualTo(202);
                assertThat(r.header("X-RateLimit-Limit")).isEqualTo(Integer.toString(tokenPerWindow));
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(tokenPerWindow - i));
            }
            Api.Response refused = own.postJson("/events", EVENT);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.firstMessage()).isEqualTo("Exceeded rate limit of " + tokenPerWindow + " in 10_seconds");
            assertThat(app.log.events).hasSize(tokenPerWindow);

            // A token that sets nothing still gets the service's default.
            Api.Response standard = app.api(TestApp.WRITER).postJson("/events", EVENT);
            assertThat(standard.status()).isEqualTo(202);
            assertThat(standard.header("X-RateLimit-Limit")).isEqualTo(Integer.toString(defaultPerWindow));
        }
    }

    @Test
    void a_tokens_own_intercom_version_is_recorded_when_the_request_sends_none() {
        String tokenVersion = "2.3";
        ApiToken token = new ApiToken(TokenRegistry.digestHex(OWN_VERSION), "ws-versioned", "app-v", Set.of(ApiToken.WRITE), null, tokenVersion);
        HttpLimits limits = HttpLimits.defaults();
        assertThat(limits.defaultIntercomVersion()).as("the oracle needs two different defaults").isNotEqualTo(tokenVersion);
        try (TestApp app = start(limits, token)) {
            Api own = app.api(OWN_VERSION);
            assertThat(own.postJson("/events", EVENT).status()).isEqualTo(202);
            assertThat(own.send("/events", "POST", EVENT, Map.of("Content-Type", "application/json", "Intercom-Version", "2.11")).status())
                    .isEqualTo(202);
            assertThat(app.api(TestApp.WRITER).postJson("/events", EVENT).status()).isEqualTo(202);

            // In order: the token's default, the header over it, the service's default for a token without one.
            assertThat(app.log.events).extracting(RawEvent::workspaceId, RawEvent::intercomVersion).containsExactly(
                    tuple("ws-versioned", tokenVersion),
                    tuple("ws-versioned", "2.11"),
                    tuple("ws-1", limits.defaultIntercomVersion()));
        }
    }
}
