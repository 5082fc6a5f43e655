package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import dev.eventpipeline.store.EventQueries;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import dev.eventpipeline.ingest.IngestConfig;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of http-api.md: the Jetty settings, the routes and the error mapping, built by a
 * factory so tests start it in-process on port 0; and its lifecycle (start, drain, stop).
 *
 * <p>Each endpoint is one handler class; each starts with {@link Admission} (token, rate limit, scope,
 * version), reads its body through {@link RequestBodies}, and answers writes through
 * {@link StoredAnswers} once Kafka has them. Handlers throw {@link ApiException};
 * {@link ErrorResponses} writes every error body; anything unmapped is a bare {@code 500 server_error}.
 */
public final class IngestApp {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);

    private final HttpLimits limits;
    private final RequestMetrics requests;
    private String host;
    private int port;
    private volatile boolean draining;
    private Javalin javalin;

    private IngestApp(HttpLimits limits, RequestMetrics requests) {
        this.limits = limits;
        this.requests = requests;
    }

    /**
     * A configured, not yet started Javalin app. {@code ready} is what {@code /readyz} answers besides
     * Kafka reachability (the contact view restored). {@code events} reads the sink's store for
     * {@code GET /events}, through a pool of {@code Database.openForReads}.
     */
    public static IngestApp create(String host, int port, HttpLimits limits, TokenRegistry tokens, ContactDirectory contacts,
                                   EventLog log, EventQueries events, RateLimiter rateLimiter, PrometheusMeterRegistry registry,
                                   Clock clock, BooleanSupplier ready) {
        IngestApp app = new IngestApp(limits, new RequestMetrics(registry));
        app.host = host;
        app.port = port;
        BooleanSupplier draining = () -> app.draining;
        Admission admission = new Admission(tokens, rateLimiter, limits, draining);
        StoredAnswers answers = new StoredAnswers(log, contacts);
        Counter accepted = Counter.builder("ingest_events_accepted_total")
                .description("events acknowledged by Kafka and answered 2xx (bulk items included)").register(registry);
        Counter bulkDuplicates = Counter.builder("ingest_bulk_duplicates_ignored_total")
                .description("bulk items that repeated an earlier item of the same request").register(registry);
        PostEventHandler postEvent = new PostEventHandler(admission, limits.eventBodyBytes(), contacts, log, answers, clock, accepted);
        PostBulkEventsHandler postBulk = new PostBulkEventsHandler(admission, limits, contacts, log, answers, clock, accepted, bulkDuplicates);
        ContactHandlers contactHandlers = new ContactHandlers(admission, limits.eventBodyBytes(), contacts, log, answers, clock);
        ListEventsHandler listEvents = new ListEventsHandler(admission, contacts, events, clock, registry);
        OpsEndpoints ops = new OpsEndpoints(log, ready, draining, registry);

        app.javalin = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            // Bodies are read by RequestBodies with per-route limits; this only caps Javalin's own reads.
            config.http.maxRequestSize = limits.bulkBodyBytes();
            // A safety net only: every write future completes within delivery.timeout.ms by itself.
            config.http.asyncTimeout = limits.produceTimeout().plusSeconds(10).toMillis();
            config.jetty.timeoutStatus = 503;
            config.jetty.modifyHttpConfiguration(http -> {
                // No "Server: Jetty(…)": it only helps an attacker pick exploits.
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
                // Request line plus headers; bigger is refused by Jetty (431) before any handler.
                http.setRequestHeaderSize(limits.maxHeaderBytes());
                // Clients must upload at least this fast, or a few slow sockets could pin every thread.
                http.setMinRequestDataRate(limits.minRequestDataRate());
            });
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                // Bounds what overload can hold in memory: past this many open connections Jetty stops
                // accepting until one closes. (Jetty warns against bounding its job queue instead: its
                // own tasks must never be rejected.) Writes hold no thread while they wait for Kafka.
                server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
                // Lets in-flight requests (which wait at most for the producer) finish on stop.
                server.setStopTimeout(limits.produceTimeout().plusSeconds(2).toMillis());
            });
            config.requestLogger.http(app.requests::finished);
            config.routes.before(ctx -> {
                app.requests.started();
                RequestIds.assign(ctx);
            });
            config.routes.get("/healthz", route("/healthz", ops::healthz));
            config.routes.get("/readyz", route("/readyz", ops::readyz));
            config.routes.get("/metrics", route("/metrics", ops::metrics));
            config.routes.post("/events", route("/events", postEvent));
            config.routes.get("/events", route("/events", listEvents));
            config.routes.post("/bulk/events", route("/bulk/events", postBulk));
            config.routes.post("/contacts", route("/contacts", contactHandlers::create));
            config.routes.get("/contacts/{id}", route("/contacts/{id}", contactHandlers::get));
            config.routes.exception(ApiException.class, (e, ctx) -> ErrorResponses.write(ctx, e));
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    ErrorResponses.write(ctx, ApiException.forStatus(e.getStatus(), e.getMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected failure on {} {} (request {})", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
                ErrorResponses.write(ctx, ApiException.serverError());
            });
            config.routes.error(404, ctx -> {
                if (!ErrorResponses.written(ctx)) {
                    ErrorResponses.write(ctx, ApiException.resourceNotFound());
                }
            });
        });
        return app;
    }

    private static Handler route(String template, Handler handler) {
        return ctx -> {
            RequestMetrics.route(ctx, template);
            handler.handle(ctx);
        };
    }

    /**
     * Binds the port; returns once the server accepts connections. A port another process holds is a
     * setting to change, not a crash: it fails as a {@link ConfigException} naming {@code http.port}.
     */
    public IngestApp start() {
        try {
            javalin.start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof java.net.BindException) {
                    throw new ConfigException(IngestConfig.HTTP_PORT, String.valueOf(port),
                            "cannot listen on " + host + ":" + port + " (" + t.getMessage() + "); another process may hold it");
                }
            }
            throw e;
        }
        // Javalin creates its connector after modifyServer runs, so the idle timeout is set here, before
        // any connection exists: a client that stops sending (or reading) is cut off after this long.
        for (var connector : javalin.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector sc) {
                sc.setIdleTimeout(limits.idleTimeout().toMillis());
            }
        }
        return this;
    }

    public int port() {
        return javalin.port();
    }

    /**
     * The first step of a graceful stop: new writes get 503 (a balancer retries them elsewhere),
     * {@code /readyz} turns 503, and this waits until the requests in flight have been answered or
     * {@code timeout} passed. Returns how many were still in flight (0 when drained).
     */
    public int drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // production shutdown path, not a test: polling a counter for at most `timeout`
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = requests.inFlight();
        if (left > 0) {
            LOG.warn("{} requests still in flight after {}; stopping anyway", left, timeout);
        }
        return left;
    }

    public int inFlightRequests() {
        return requests.inFlight();
    }

    /** Stops the HTTP server (after {@link #drain}). */
    public void stop() {
        javalin.stop();
    }
}
