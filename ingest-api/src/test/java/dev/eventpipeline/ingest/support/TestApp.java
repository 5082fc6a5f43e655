package dev.eventpipeline.ingest.support;

import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.http.HttpLimits;
import dev.eventpipeline.ingest.http.IngestApp;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The HTTP app started in-process on port 0 with an in-memory event log: the unit tier of the API
 * (real HTTP over a socket, no broker). Tokens: {@link #WRITER} (read+write, workspace ws-1),
 * {@link #READER} (read only), {@link #OTHER} (read+write, workspace ws-2).
 */
public final class TestApp implements AutoCloseable {

    public static final String WRITER = "writer-token";
    public static final String READER = "reader-token";
    public static final String OTHER = "other-workspace-token";
    /** A fixed "now" well inside a 10-second rate-limit window. */
    public static final Instant NOW = Instant.parse("2026-11-27T08:00:03.250Z");

    public final InMemoryEventLog log = new InMemoryEventLog();
    public final ContactDirectory contacts;
    public final IngestApp javalin;
    public final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private TestApp(HttpLimits limits, boolean trustMode, Clock clock, List<ApiToken> extraTokens) {
        this.contacts = new ContactDirectory(trustMode, clock);
        List<ApiToken> all = new ArrayList<>(List.of(
                token(WRITER, "ws-1", "app-1", Set.of(ApiToken.READ, ApiToken.WRITE)),
                token(READER, "ws-1", "app-2", Set.of(ApiToken.READ)),
                token(OTHER, "ws-2", "app-3", Set.of(ApiToken.READ, ApiToken.WRITE))));
        all.addAll(extraTokens);
        TokenRegistry tokens = new TokenRegistry(all);
        this.javalin = IngestApp.create("127.0.0.1", 0, limits, tokens, contacts, log, new RateLimiter(clock), registry,
                clock, () -> true).start();
    }

    public static TestApp start() {
        return start(HttpLimits.defaults(), false);
    }

    public static TestApp start(HttpLimits limits, boolean trustMode) {
        return new TestApp(limits, trustMode, Clock.fixed(NOW, ZoneOffset.UTC), List.of());
    }

    public static TestApp start(HttpLimits limits, boolean trustMode, Clock clock) {
        return new TestApp(limits, trustMode, clock, List.of());
    }

    /** With {@code extraTokens} registered besides the three standard ones (tokens with their own limits or version). */
    public static TestApp start(HttpLimits limits, Clock clock, List<ApiToken> extraTokens) {
        return new TestApp(limits, false, clock, extraTokens);
    }

    public static ApiToken token(String token, String workspace, String app, Set<String> scopes) {
        return new ApiToken(TokenRegistry.digestHex(token), workspace, app, scopes, null, null);
    }

    public Api api(String token) {
        return new Api(javalin.port(), token);
    }

    public Api api() {
        return api(WRITER);
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
