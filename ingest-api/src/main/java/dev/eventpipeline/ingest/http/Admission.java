package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.api.IntercomVersions;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The steps every authenticated call goes through, in the order of http-api.md and docs/ingest-api.md:
 * draining (writes only) → token (401) → rate limit (429; headers on every authenticated answer) →
 * scope (403) → {@code Intercom-Version} (400). A handler's first line is {@link #admit}.
 */
final class Admission {

    private final TokenRegistry tokens;
    private final RateLimiter rateLimiter;
    private final HttpLimits limits;
    private final BooleanSupplier draining;

    Admission(TokenRegistry tokens, RateLimiter rateLimiter, HttpLimits limits, BooleanSupplier draining) {
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.limits = limits;
        this.draining = draining;
    }

    /** The admitted call, or an {@link ApiException} with the first step's refusal. */
    Call admit(Context ctx, String scope) {
        if (ApiToken.WRITE.equals(scope) && draining.getAsBoolean()) {
            // A balancer retries a 503 on another instance; this one is about to stop.
            throw ApiException.unavailable(1);
        }
        ApiToken token = tokens.authenticate(ctx.header("Authorization")).orElseThrow(ApiException::unauthorized);
        int appLimit = token.rateLimitPerMinute() == null ? limits.appCallsPerWindow() : RateLimiter.perWindow(token.rateLimitPerMinute());
        RateLimiter.Decision d = rateLimiter.acquire(token.workspaceId(), token.appId(), appLimit, limits.workspaceCallsPerWindow());
        ctx.header("X-RateLimit-Limit", Integer.toString(d.limit()));
        ctx.header("X-RateLimit-Remaining", Integer.toString(d.remaining()));
        ctx.header("X-RateLimit-Reset", Long.toString(d.resetEpochSeconds()));
        if (!d.allowed()) {
            throw new ApiException(429, List.of(ApiError.of("rate_limit_exceeded",
                    "Exceeded rate limit of " + d.exceededLimit() + " in 10_seconds")),
                    Map.of("Retry-After", Long.toString(d.retryAfterSeconds())));
        }
        if (!token.allows(scope)) {
            throw ApiException.forbidden(scope);
        }
        String version = ctx.header(IntercomVersions.HEADER);
        // Jetty gives an empty header as "": present, so it must be a listed version (400), not the default.
        if (version != null) {
            if (!IntercomVersions.isValid(version)) {
                throw ApiException.invalidVersion(version);
            }
        } else {
            version = token.intercomVersion() != null ? token.intercomVersion() : limits.defaultIntercomVersion();
        }
        return new Call(token, version);
    }
}
