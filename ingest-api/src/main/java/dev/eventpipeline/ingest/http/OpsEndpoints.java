package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.publish.EventLog;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.eventpipeline.common.ops.Readiness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}: no token (http-api.md, "Operational endpoints"). */
final class OpsEndpoints {

    private final EventLog log;
    private final BooleanSupplier ready;
    private final BooleanSupplier draining;
    private final PrometheusMeterRegistry registry;

    OpsEndpoints(EventLog log, BooleanSupplier ready, BooleanSupplier draining, PrometheusMeterRegistry registry) {
        this.log = log;
        this.ready = ready;
        this.draining = draining;
        this.registry = registry;
    }

    void healthz(Context ctx) {
        ctx.json(Map.of("status", "ok"));
    }

    /**
     * 200 only when Kafka answered recently and every other part is ready (the contact view; in the standalone
     * launcher also the stream and the sink); a draining instance is 503. The 503 names what is not ready.
     */
    void readyz(Context ctx) {
        if (draining.getAsBoolean()) {
            throw new ApiException(503, ApiError.of("service_unavailable", "This instance is shutting down."));
        }
        boolean kafka = log.isReachable();
        Readiness.Status parts = Readiness.check(ready);
        if (kafka && parts.ready()) {
            ctx.json(Map.of("status", "ready"));
            return;
        }
        List<String> waiting = new ArrayList<>();
        if (!kafka) {
            waiting.add("Kafka (not reachable)");
        }
        waiting.addAll(parts.ready() ? List.of() : parts.notReady().isEmpty() ? List.of("the contact directory") : parts.notReady());
        throw new ApiException(503, ApiError.of("service_unavailable", "Not ready: " + String.join(", ", waiting) + "."));
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
