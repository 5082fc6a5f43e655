package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import java.time.Duration;

/** Every limit the HTTP layer enforces, in one place (values from {@link IngestConfig}). */
public record HttpLimits(
        int eventBodyBytes,
        int bulkBodyBytes,
        int bulkMaxItems,
        int appCallsPerWindow,
        int workspaceCallsPerWindow,
        String defaultIntercomVersion,
        Duration idleTimeout,
        long minRequestDataRate,
        int maxHeaderBytes,
        Duration produceTimeout,
        int maxConnections) {

    public static HttpLimits from(IngestConfig config) {
        return new HttpLimits(
                config.getInt(IngestConfig.LIMIT_EVENT_BODY_BYTES),
                config.getInt(IngestConfig.LIMIT_BULK_BODY_BYTES),
                config.getInt(IngestConfig.LIMIT_BULK_ITEMS),
                RateLimiter.perWindow(config.getInt(IngestConfig.RATE_LIMIT_APP_PER_MINUTE)),
                RateLimiter.perWindow(config.getInt(IngestConfig.RATE_LIMIT_WORKSPACE_PER_MINUTE)),
                config.getString(IngestConfig.DEFAULT_INTERCOM_VERSION),
                config.httpIdleTimeout(),
                config.getLong(IngestConfig.HTTP_MIN_REQUEST_DATA_RATE),
                config.getInt(IngestConfig.HTTP_MAX_HEADER_BYTES),
                config.produceTimeout(),
                config.getInt(IngestConfig.HTTP_MAX_CONNECTIONS));
    }

    /** The defaults of {@link IngestConfig}, for tests. */
    public static HttpLimits defaults() {
        return from(new IngestConfig(java.util.Map.of()));
    }

    public HttpLimits withBulkMaxItems(int items) {
        return new HttpLimits(eventBodyBytes, bulkBodyBytes, items, appCallsPerWindow, workspaceCallsPerWindow,
                defaultIntercomVersion, idleTimeout, minRequestDataRate, maxHeaderBytes, produceTimeout, maxConnections);
    }

    public HttpLimits withRateLimits(int appPerWindow, int workspacePerWindow) {
        return new HttpLimits(eventBodyBytes, bulkBodyBytes, bulkMaxItems, appPerWindow, workspacePerWindow,
                defaultIntercomVersion, idleTimeout, minRequestDataRate, maxHeaderBytes, produceTimeout, maxConnections);
    }
}
