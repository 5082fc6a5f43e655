package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.publish.EventLog;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}: no token (http-api.md, "Operational endpoints"). */
final class OpsEndpoints {

    private final EventLog log;
    private final BooleanSupplier viewReady;
    private final BooleanSupplier draining;
    private final PrometheusMeterRegistry registry;

    OpsEndpoints(EventLog log, BooleanSupplier viewReady, BooleanSupplier draining, PrometheusMeterRegistry registry) {
        this.log = log;
        this.viewReady = viewReady;
        this.draining = draining;
        this.registry = registry;
    }

    void healthz(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    /** 200 only when Kafka answered recently and the contact view has caught up; a draining instance is 503. */
    void readyz(Context ctx) {
        if (draining.getAsBoolean()) {
            throw new ApiException(503, ApiError.of("service_unavailable", "This instance is shutting down."));
        }
        boolean kafka = log.isReachable();
        boolean view = viewReady.getAsBoolean();
        if (kafka && view) {
            ctx.json(Map.of("status", "ready"));
            return;
        }
        String why = (kafka ? "" : "Kafka is not reachable. ") + (view ? "" : "The contact directory has not caught up with its topic.");
        throw new ApiException(503, ApiError.of("service_unavailable", why.trim()));
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
