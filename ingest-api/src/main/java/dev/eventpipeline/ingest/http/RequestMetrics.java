package dev.eventpipeline.ingest.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every request is counted in: answers by route template, method and status, latency by route,
 * and the requests in flight (what a graceful stop waits for). Route templates, not paths, so the label
 * set stays bounded whatever clients send.
 */
final class RequestMetrics {

    private static final String ROUTE = "ingest.route";

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> answers = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Called first for every request Javalin routes. */
    void started() {
        inFlight.incrementAndGet();
    }

    /** Marks the request with its route template (what {@link #finished} labels it with). */
    static void route(Context ctx, String template) {
        ctx.attribute(ROUTE, template);
    }

    /** Javalin's request logger: called once per request, after the answer, async answers included. */
    void finished(Context ctx, Float millis) {
        inFlight.decrementAndGet();
        String route = ctx.attribute(ROUTE);
        String name = route == null ? "unmatched" : route;
        String method = ctx.method().name();
        int status = ctx.statusCode();
        // Meters are looked up once per (route, method, status) and cached: a registry lookup per
        // request (id, tags, map) costs more than the rest of a 202's bookkeeping.
        answers.computeIfAbsent(name + ' ' + method + ' ' + status, k ->
                Counter.builder("ingest_requests_total").description("HTTP answers by route template, method and status")
                        .tags("route", name, "method", method, "status", Integer.toString(status))
                        .register(registry)).increment();
        latencies.computeIfAbsent(name, k -> Timer.builder("ingest_request_duration")
                        .description("time from request to response, by route (Kafka's acknowledgement included for writes)")
                        .tag("route", name)
                        .publishPercentileHistogram()
                        .register(registry))
                .record((long) (millis * 1000), TimeUnit.MICROSECONDS);
    }

    int inFlight() {
        return inFlight.get();
    }
}
