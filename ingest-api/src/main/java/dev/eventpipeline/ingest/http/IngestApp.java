package dev.eventpipeline.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.contacts.ContactResolver.Resolution;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import dev.eventpipeline.ingest.validation.EventRequest;
import dev.eventpipeline.ingest.validation.EventValidator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of http-api.md, built by a factory so tests start it in-process on port 0.
 *
 * <p>Handlers check, in this order: token, rate limit, scope, {@code Intercom-Version}, content type, body
 * size, JSON, fields, contact. They throw {@link ApiException}; {@link ErrorResponses} writes the
 * answer. Writes answer through {@code ctx.future}: no Jetty thread waits for Kafka.
 */
public final class IngestApp {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);
    private static final String ROUTE = "ingest.route";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Oversized bodies up to this size are read and thrown away so the client can read our 413. */
    private static final long MAX_DISCARD_BYTES = 8L * 1024 * 1024;

    private final HttpLimits limits;
    private final TokenRegistry tokens;
    private final ContactDirectory contacts;
    private final EventLog log;
    private final RateLimiter rateLimiter;
    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final BooleanSupplier ready;
    private final Counter eventsAccepted;
    private final Counter duplicatesInBulk;
    /** Requests received and not yet answered; what {@link #drain} waits for. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> requestCounters = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean draining;
    private Javalin javalin;

    private IngestApp(HttpLimits limits, TokenRegistry tokens, ContactDirectory contacts, EventLog log,
                      RateLimiter rateLimiter, PrometheusMeterRegistry registry, Clock clock, BooleanSupplier ready) {
        this.limits = limits;
        this.tokens = tokens;
        this.contacts = contacts;
        this.log = log;
        this.rateLimiter = rateLimiter;
        this.registry = registry;
        this.clock = clock;
        this.ready = ready;
        this.eventsAccepted = Counter.builder("ingest_events_accepted_total")
                .description("events acknowledged by Kafka and answered 2xx (bulk items included)").register(registry);
        this.duplicatesInBulk = Counter.builder("ingest_bulk_duplicates_ignored_total")
                .description("bulk items that repeated an earlier item of the same request").register(registry);
    }

    /**
     * A configured, not yet started Javalin app. {@code ready} is what {@code /readyz} answers besides
     * Kafka reachability (the contact view restored).
     */
    public static IngestApp create(String host, int port, HttpLimits limits, TokenRegistry tokens, ContactDirectory contacts,
                                 EventLog log, RateLimiter rateLimiter, PrometheusMeterRegistry registry, Clock clock,
                                 BooleanSupplier ready) {
        IngestApp app = new IngestApp(limits, tokens, contacts, log, rateLimiter, registry, clock, ready);
        app.javalin = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            // Bodies are read by IngestApp itself with per-route limits; this only caps Javalin's own reads.
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
            config.requestLogger.http(app::record);
            config.routes.before(ctx -> {
                app.inFlight.incrementAndGet();
                RequestIds.assign(ctx);
            });
            config.routes.get("/healthz", app.route("/healthz", ctx -> ctx.json(Map.of("status", "ok"))));
            config.routes.get("/readyz", app.route("/readyz", app::readyz));
            config.routes.get("/metrics", app.route("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape())));
            config.routes.post("/events", app.route("/events", app::postEvent));
            config.routes.post("/bulk/events", app.route("/bulk/events", app::postBulk));
            config.routes.post("/contacts", app.route("/contacts", app::postContact));
            config.routes.get("/contacts/{id}", app.route("/contacts/{id}", app::getContact));
            config.routes.exception(ApiException.class, (e, ctx) -> ErrorResponses.write(ctx, e));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> ErrorResponses.write(ctx, fromJavalin(e)));
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

    /** Binds the port; returns once the server accepts connections. */
    public IngestApp start() {
        javalin.start();
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
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // production shutdown path, not a test: polling a counter for at most `timeout`
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = inFlight.get();
        if (left > 0) {
            LOG.warn("{} requests still in flight after {}; stopping anyway", left, timeout);
        }
        return left;
    }

    public int inFlightRequests() {
        return inFlight.get();
    }

    /** Stops the HTTP server (after {@link #drain}). */
    public void stop() {
        javalin.stop();
    }

    private Handler route(String name, Handler handler) {
        return ctx -> {
            ctx.attribute(ROUTE, name);
            handler.handle(ctx);
        };
    }

    // ---- endpoints

    private void readyz(Context ctx) {
        boolean kafka = log.isReachable();
        boolean view = ready.getAsBoolean();
        if (draining) {
            throw new ApiException(503, ApiError.of("service_unavailable", "This instance is shutting down."));
        }
        if (kafka && view) {
            ctx.json(Map.of("status", "ready"));
            return;
        }
        String why = (kafka ? "" : "Kafka is not reachable. ") + (view ? "" : "The contact directory has not caught up with its topic.");
        throw new ApiException(503, ApiError.of("service_unavailable", why.trim()));
    }

    private void postEvent(Context ctx) {
        Call call = admit(ctx, ApiToken.WRITE);
        JsonNode body = readJson(ctx, limits.eventBodyBytes());
        EventValidator.Result result = EventValidator.validate(body, clock.instant());
        if (!result.valid()) {
            throw new ApiException(400, result.errors(), Map.of());
        }
        Resolution resolution = contacts.resolve(call.token().workspaceId(), result.request());
        RawEvent event = rawEvent(ctx, call, resolution.contact(), result.request());
        CompletableFuture<Void> stored = publishCreated(resolution.created() == null ? List.of() : List.of(resolution.created()))
                .thenCompose(v -> log.appendEvent(event));
        answerWhenStored(ctx, stored, () -> {
            eventsAccepted.increment();
            ctx.status(202);
        });
    }

    private void postBulk(Context ctx) {
        Call call = admit(ctx, ApiToken.WRITE);
        JsonNode body = readJson(ctx, limits.bulkBodyBytes());
        JsonNode items = body.get("items");
        if (items == null || items.isNull()) {
            throw ApiException.notFoundParameter("items", "items is required: a list of {method, data_type, data}");
        }
        if (!items.isArray() || items.isEmpty()) {
            throw ApiException.invalidParameter("items", "items must be a non-empty array");
        }
        if (items.size() > limits.bulkMaxItems()) {
            throw ApiException.invalidParameter("items", "at most " + limits.bulkMaxItems() + " items per request");
        }
        Instant now = clock.instant();
        List<EventRequest> requests = new ArrayList<>();
        List<ApiError> invalid = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String prefix = "items[" + i + "].";
            JsonNode item = items.get(i);
            ApiError problem = null;
            EventRequest request = null;
            if (!item.isObject()) {
                problem = new ApiError("parameter_invalid", "each item must be an object", "items[" + i + "]");
            } else if (!"post".equalsIgnoreCase(text(item.get("method")))) {
                problem = new ApiError("parameter_invalid", "events support only method 'post'", prefix + "method");
            } else if (!"event".equals(text(item.get("data_type")))) {
                problem = new ApiError("parameter_invalid", "data_type must be 'event'", prefix + "data_type");
            } else {
                EventValidator.Result r = EventValidator.validate(item.get("data"), now);
                if (r.valid()) {
                    request = r.request();
                } else {
                    ApiError first = r.errors().get(0);
                    problem = first.field() == null ? new ApiError(first.code(), first.message(), prefix + "data")
                            : first.withFieldPrefix(prefix + "data.");
                }
            }
            if (problem != null) {
                invalid.add(problem);
            }
            requests.add(request);
        }
        if (!invalid.isEmpty()) {
            throw new ApiException(400, invalid, Map.of());
        }
        // All items are well-formed: resolve every contact before storing any (all or nothing).
        List<ApiError> conflicts = new ArrayList<>();
        List<ApiError> notFound = new ArrayList<>();
        List<Resolution> resolutions = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            EventRequest r = requests.get(i);
            try {
                resolutions.add(contacts.resolve(call.token().workspaceId(), r));
            } catch (ApiException e) {
                ApiError error = e.errors().get(0);
                String prefix = "items[" + i + "].data.";
                ApiError located = new ApiError(error.code(), error.message(), prefix + (e.status() == 409 ? "email" : firstIdentifier(r)));
                (e.status() == 409 ? conflicts : notFound).add(located);
                resolutions.add(null);
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ApiException(409, conflicts, Map.of());
        }
        if (!notFound.isEmpty()) {
            throw new ApiException(404, notFound, Map.of());
        }
        Set<String> seen = new java.util.HashSet<>();
        Map<String, Contact> created = new LinkedHashMap<>();
        List<RawEvent> events = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            EventRequest r = requests.get(i);
            Resolution res = resolutions.get(i);
            if (!seen.add(res.contact().id() + '\u0000' + r.eventName() + '\u0000' + r.createdAt())) {
                continue; // same contact, name and created_at as an earlier item: one event, stored once
            }
            if (res.created() != null) {
                created.putIfAbsent(res.created().id(), res.created());
            }
            events.add(rawEvent(ctx, call, res.contact(), r));
        }
        int duplicates = requests.size() - events.size();
        CompletableFuture<Void> stored = publishCreated(List.copyOf(created.values())).thenCompose(v ->
                CompletableFuture.allOf(events.stream().map(log::appendEvent).toArray(CompletableFuture[]::new)));
        answerWhenStored(ctx, stored, () -> {
            eventsAccepted.increment(events.size());
            duplicatesInBulk.increment(duplicates);
            ObjectNode job = Json.mapper().createObjectNode();
            job.put("type", "job");
            job.put("id", "job_" + UUID.randomUUID());
            job.put("state", "completed");
            job.put("item_count", requests.size());
            job.put("duplicates_ignored", duplicates);
            ctx.status(202).contentType("application/json").result(Json.toBytes(job));
        });
    }

    private void postContact(Context ctx) {
        Call call = admit(ctx, ApiToken.WRITE);
        JsonNode body = readJson(ctx, limits.eventBodyBytes());
        String role = optionalString(body, "role");
        if (role == null) {
            role = ContactRef.ROLE_USER;
        } else if (!role.equals(ContactRef.ROLE_USER) && !role.equals(ContactRef.ROLE_LEAD)) {
            throw ApiException.invalidParameter("role", "role must be 'user' or 'lead'");
        }
        String externalId = optionalString(body, "external_id");
        String email = optionalString(body, "email");
        String name = optionalString(body, "name");
        if (role.equals(ContactRef.ROLE_USER) && externalId == null && email == null) {
            throw ApiException.notFoundParameter(null, "A user needs external_id or email");
        }
        String workspace = call.token().workspaceId();
        String id = HexFormat.of().formatHex(randomBytes(12));
        boolean reserved = role.equals(ContactRef.ROLE_USER) && externalId != null;
        if (reserved && !contacts.reserveExternalId(workspace, externalId, id)) {
            throw ApiException.conflict("A contact matching those details already exists with external_id " + externalId);
        }
        Contact contact = new Contact(Contact.TYPE, id, workspace, role, externalId, email, name, clock.instant().getEpochSecond());
        CompletableFuture<Void> stored = log.appendContact(contact).whenComplete((v, e) -> {
            if (e == null) {
                contacts.put(contact); // read-your-writes: usable by the next request on this instance
            }
            if (reserved) {
                contacts.releaseExternalId(workspace, externalId);
            }
        });
        answerWhenStored(ctx, stored, () -> ctx.status(200).contentType("application/json").result(Json.toBytes(contact)));
    }

    private void getContact(Context ctx) {
        Call call = admit(ctx, ApiToken.READ);
        Contact contact = contacts.byId(call.token().workspaceId(), ctx.pathParam("id")).orElseThrow(ApiException::userNotFound);
        ctx.status(200).contentType("application/json").result(Json.toBytes(contact));
    }

    // ---- the steps every authenticated call goes through

    record Call(ApiToken token, String intercomVersion) {}

    private Call admit(Context ctx, String scope) {
        if (draining && ApiToken.WRITE.equals(scope)) {
            throw ApiException.unavailable(1);
        }
        ApiToken token = tokens.authenticate(ctx.header("Authorization")).orElseThrow(ApiException::unauthorized);
        int appLimit = token.rateLimitPerMinute() == null ? limits.appCallsPerWindow() : RateLimiter.perWindow(token.rateLimitPerMinute());
        RateLimiter.Decision d = rateLimiter.acquire(token.workspaceId() + '\u0000' + token.appId(), appLimit,
                token.workspaceId(), limits.workspaceCallsPerWindow());
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
        if (version != null) {
            if (!IntercomVersions.isValid(version)) {
                throw ApiException.invalidVersion(version);
            }
        } else {
            version = token.intercomVersion() != null ? token.intercomVersion() : limits.defaultIntercomVersion();
        }
        return new Call(token, version);
    }

    /** The body, once its content type and size are acceptable, parsed strictly. */
    private JsonNode readJson(Context ctx, int limit) {
        if (!isJson(ctx.header("Content-Type"))) {
            throw ApiException.unsupportedMediaType();
        }
        long declared = ctx.req().getContentLengthLong();
        byte[] body;
        try {
            InputStream in = ctx.req().getInputStream();
            if (declared > limit) {
                throw tooLarge(ctx, in, limit, declared); // refused before a byte of it is parsed
            }
            body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw tooLarge(ctx, in, limit, -1); // chunked: counted while reading, never buffered past the limit
            }
        } catch (IOException e) {
            // The client stopped sending (idle timeout) or went away.
            throw new ApiException(408, ApiError.of("request_timeout", "The request body could not be read in time"));
        } catch (HttpException.RuntimeException e) {
            // Jetty refused the body while we read it (below http.min.request.data.rate, or malformed chunking).
            throw new ApiException(e.getCode(), ApiError.of(e.getCode() == 408 ? "request_timeout" : "parameter_invalid",
                    e.getCode() == 408 ? "The request body was sent too slowly" : "The request body could not be read"));
        }
        return StrictJson.parseObject(body);
    }

    /**
     * The 413, after discarding (never buffering) the rest of a moderately oversized body: a server
     * that closes while the client is still sending makes the client's TCP stack drop our answer
     * (connection reset), so the client would see an I/O error instead of the 413. Bodies larger
     * than {@link #MAX_DISCARD_BYTES} are not read; the connection is closed after the answer.
     */
    private static ApiException tooLarge(Context ctx, InputStream in, int limit, long declared) throws IOException {
        ctx.header("Connection", "close");
        if (declared <= MAX_DISCARD_BYTES) {
            byte[] sink = new byte[8192];
            long discarded = 0;
            int n;
            while (discarded <= MAX_DISCARD_BYTES && (n = in.read(sink)) >= 0) {
                discarded += n;
            }
        }
        return ApiException.tooLarge(limit);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=")) {
                String charset = p.substring("charset=".length()).replace("\"", "");
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    return false; // JSON is UTF-8 (RFC 8259); we decode nothing else
                }
            }
        }
        return true;
    }

    private RawEvent rawEvent(Context ctx, Call call, ContactRef contact, EventRequest r) {
        return new RawEvent(RawEvent.CURRENT_VERSION, RequestIds.of(ctx), Instant.ofEpochMilli(clock.millis()),
                call.token().workspaceId(), call.token().appId(), call.intercomVersion(), contact,
                r.eventName(), r.createdAt(), r.metadata());
    }

    /** Trust-mode contacts made by this request: stored before the events that name them, then visible here. */
    private CompletableFuture<Void> publishCreated(List<Contact> created) {
        if (created.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(created.stream()
                .map(c -> log.appendContact(c).thenRun(() -> contacts.put(c)))
                .toArray(CompletableFuture[]::new));
    }

    private void answerWhenStored(Context ctx, CompletableFuture<Void> stored, Runnable success) {
        ctx.future(() -> stored.handle((v, error) -> {
            if (error == null) {
                success.run();
                return null;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof EventLog.Unavailable) {
                ErrorResponses.write(ctx, ApiException.unavailable(1));
            } else {
                LOG.error("write failed unexpectedly (request {})", RequestIds.of(ctx), cause);
                ErrorResponses.write(ctx, ApiException.serverError());
            }
            return null;
        }));
    }

    private static ApiException fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        String code = switch (status) {
            case 400 -> "parameter_invalid";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "server_error" : "client_error";
        };
        return new ApiException(status, ApiError.of(code, status >= 500 ? "Internal server error" : e.getMessage()));
    }

    private void record(Context ctx, Float millis) {
        inFlight.decrementAndGet();
        String route = ctx.attribute(ROUTE);
        String name = route == null ? "unmatched" : route;
        // Meters are looked up once per (route, method, status) and cached: a registry lookup per
        // request (id, tags, map) costs more than the rest of a 202's bookkeeping.
        requestCounters.computeIfAbsent(name + ' ' + ctx.method().name() + ' ' + ctx.statusCode(), k ->
                Counter.builder("ingest_requests_total").description("HTTP answers by route template, method and status")
                        .tags("route", name, "method", ctx.method().name(), "status", Integer.toString(ctx.statusCode()))
                        .register(registry)).increment();
        latencies.computeIfAbsent(name, k -> Timer.builder("ingest_request_duration")
                        .description("time from request to response, by route (Kafka's acknowledgement included for writes)")
                        .tag("route", name)
                        .publishPercentileHistogram()
                        .register(registry))
                .record((long) (millis * 1000), TimeUnit.MICROSECONDS);
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static String firstIdentifier(EventRequest r) {
        return r.id() != null ? "id" : r.userId() != null ? "user_id" : "email";
    }

    private static String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalidParameter(field, field + " must be a string");
        }
        return node.textValue().isEmpty() ? null : node.textValue();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
