package dev.eventpipeline.ingest.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.store.Cursor;
import dev.eventpipeline.store.EventQueries;
import dev.eventpipeline.store.StoreUnavailableException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events}: a contact's events ({@code event.list}, newest first, a page at a time) or its
 * event summary ({@code event.summary}), read from the sink's store (http-api.md, "GET /events").
 *
 * <p>The contact is resolved as {@code POST /events} resolves it, from this instance's contact view:
 * {@code intercom_user_id} is the contact id (users and leads), {@code user_id} a user's
 * {@code external_id}, {@code email} a user's email (several users with it: {@code 409}). Unlike a write,
 * a read never creates a contact, in trust mode either. Exactly one identifier must be given.
 *
 * <p>The store read runs on the Jetty thread. That is acceptable because it is bounded three ways: at
 * most {@link #MAX_READS_IN_FLIGHT} requests are inside a read at once (beyond that {@code 503} at once),
 * each waits at most {@code store.connect.timeout} for one of {@code store.pool.size} connections and runs
 * at most {@code store.query.timeout}. So a slow or dead store can hold at most 64 of Jetty's threads
 * (Javalin's pool has 250) for a few seconds each, and writes, which hold a thread only to parse and hand
 * the record to the producer, keep the rest: reads can never stop ingestion. A page is one index range
 * scan of at most {@code per_page + 1} rows (milliseconds), so handing it to another thread would cost
 * about as much as the read itself.
 */
final class ListEventsHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ListEventsHandler.class);

    /** Intercom's default page size ({@code per_page}). */
    static final int DEFAULT_PER_PAGE = 15;
    /**
     * Requests inside a store read at once (on a connection or waiting for one). 64 covers the
     * concurrency a client fleet usually brings (and the benchmark's 32 clients) without 503s, and is a
     * quarter of Jetty's threads: what a stalled store can pin.
     */
    static final int MAX_READS_IN_FLIGHT = 64;
    /** A logged store outage is logged again at most this often (every failed read is counted). */
    private static final long OUTAGE_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private static final String TYPE = "type";
    private static final String USER_ID = "user_id";
    private static final String INTERCOM_USER_ID = "intercom_user_id";
    private static final String EMAIL = "email";
    private static final String PER_PAGE = "per_page";
    private static final String BEFORE = "before";
    private static final String SUMMARY = "summary";
    private static final List<String> IDENTIFIERS = List.of(USER_ID, INTERCOM_USER_ID, EMAIL);

    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static final Pattern PER_PAGE_DIGITS = Pattern.compile("[0-9]{1,3}");
    /** An RFC 3986 host (registered name, IPv4, or bracketed IPv6) and an optional port: all pages.next may echo. */
    private static final Pattern HOST_HEADER = Pattern.compile("(?:[A-Za-z0-9._~-]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");
    /** Intercom's summary timestamps: {@code 2016-03-18T10:05:15.000Z}, always with milliseconds. */
    private static final DateTimeFormatter SUMMARY_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = Json.mapper().getFactory();

    /** What became of a read, the label of {@code ingest_event_reads_total}. */
    enum Outcome {
        OK, INVALID, UNAUTHORIZED, FORBIDDEN, RATE_LIMITED, NOT_FOUND, CONFLICT, BUSY, NOT_MIGRATED, UNREACHABLE, TIMED_OUT, FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Admission admission;
    private final ContactDirectory contacts;
    private final EventQueries queries;
    private final Clock clock;
    private final Semaphore readsInFlight = new Semaphore(MAX_READS_IN_FLIGHT);
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final Timer listTime;
    private final Timer summaryTime;
    private final AtomicLong lastOutageLog = new AtomicLong(System.nanoTime() - OUTAGE_LOG_INTERVAL_NANOS);

    ListEventsHandler(Admission admission, ContactDirectory contacts, EventQueries queries, Clock clock, MeterRegistry registry) {
        this.admission = admission;
        this.contacts = contacts;
        this.queries = queries;
        this.clock = clock;
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, Counter.builder("ingest_event_reads_total")
                    .description("GET /events answers by outcome (ok, the refusals, and the store's unavailability by reason)")
                    .tag("outcome", o.label()).register(registry));
        }
        listTime = storeTimer(registry, "list");
        summaryTime = storeTimer(registry, "summary");
    }

    private static Timer storeTimer(MeterRegistry registry, String query) {
        return Timer.builder("ingest_event_store_read_duration")
                .description("time of GET /events' store read (waiting for a connection included), by query")
                .tag("query", query)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** The query of one GET /events, validated. {@code identifier} is one of {@link #IDENTIFIERS}. */
    record ListRequest(String identifier, String value, int perPage, Cursor before, boolean summary) {}

    @Override
    public void handle(Context ctx) {
        Outcome outcome = Outcome.FAILED;
        try {
            Call call = admission.admit(ctx, ApiToken.READ);
            ListRequest request = parse(ctx);
            Contact contact = find(call.workspaceId(), request);
            byte[] body;
            try {
                body = request.summary() ? summary(contact) : list(ctx, call.workspaceId(), contact, request);
            } catch (ReadsExhausted e) {
                // Every read slot is taken: the store is slow or the load high; a second later may pass.
                outcome = Outcome.BUSY;
                throw ApiException.storeUnavailable(1);
            } catch (StoreUnavailableException e) {
                outcome = switch (e.reason()) {
                    case NOT_MIGRATED -> Outcome.NOT_MIGRATED;
                    case UNREACHABLE -> Outcome.UNREACHABLE;
                    case TIMED_OUT -> Outcome.TIMED_OUT;
                };
                logOutage(e);
                // Until the sink has created the tables the wait is a start-up's; the other reasons are blips.
                throw ApiException.storeUnavailable(e.reason() == StoreUnavailableException.Reason.NOT_MIGRATED ? 5 : 1);
            }
            ctx.status(200).contentType("application/json").result(body);
            outcome = Outcome.OK;
        } catch (ApiException e) {
            if (outcome == Outcome.FAILED) {
                outcome = outcomeOf(e.status());
            }
            throw e;
        } finally {
            outcomes.get(outcome).increment();
        }
    }

    /** Every problem of the query at once, as POST /events reports every problem of its body. */
    static ListRequest parse(Context ctx) {
        String raw = ctx.queryString();
        // A '%' not followed by two hex digits: Javalin's decoder would drop the parameter without a word,
        // and a mistyped email would come back as "no identifier".
        if (raw != null && BAD_ESCAPE.matcher(raw).find()) {
            throw ApiException.invalidParameter(null, "The query string is not valid percent-encoding");
        }
        Map<String, List<String>> query = ctx.queryParamMap();
        List<ApiError> errors = new ArrayList<>();
        String type = single(query, TYPE, errors);
        if (!"user".equals(type) && errors.isEmpty()) {
            errors.add(new ApiError("parameter_invalid", "type must be 'user'", TYPE));
        }
        List<String> given = new ArrayList<>();
        String value = null;
        for (String name : IDENTIFIERS) {
            String v = single(query, name, errors);
            // As in POST /events, an empty identifier is an absent one.
            if (v != null && !v.isEmpty()) {
                given.add(name);
                value = v;
            }
        }
        if (given.isEmpty()) {
            errors.add(new ApiError("parameter_not_found", "One of user_id, intercom_user_id or email is required", null));
        } else if (given.size() > 1) {
            errors.add(new ApiError("parameter_invalid",
                    "Give exactly one of user_id, intercom_user_id or email, not " + String.join(" and ", given), null));
        }
        int perPage = DEFAULT_PER_PAGE;
        String perPageText = single(query, PER_PAGE, errors);
        if (perPageText != null) {
            perPage = PER_PAGE_DIGITS.matcher(perPageText).matches() ? Integer.parseInt(perPageText) : -1;
            if (perPage < EventQueries.MIN_PAGE_SIZE || perPage > EventQueries.MAX_PAGE_SIZE) {
                errors.add(new ApiError("parameter_invalid", "per_page must be an integer from " + EventQueries.MIN_PAGE_SIZE
                        + " to " + EventQueries.MAX_PAGE_SIZE, PER_PAGE));
            }
        }
        boolean summary = false;
        String summaryText = single(query, SUMMARY, errors);
        if (summaryText != null) {
            if (summaryText.equalsIgnoreCase("true")) {
                summary = true;
            } else if (!summaryText.equalsIgnoreCase("false")) {
                errors.add(new ApiError("parameter_invalid", "summary must be true or false", SUMMARY));
            }
        }
        Cursor before = null;
        String beforeText = single(query, BEFORE, errors);
        if (beforeText != null) {
            try {
                before = Cursor.decode(beforeText);
            } catch (Cursor.MalformedCursorException e) {
                errors.add(new ApiError("parameter_invalid", "before is not a cursor from pages.next of this server", BEFORE));
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(400, errors, Map.of());
        }
        return new ListRequest(given.get(0), value, perPage, before, summary);
    }

    /** The parameter's one value, or null; given twice is a 400 (which value was meant is unknowable). */
    private static String single(Map<String, List<String>> query, String name, List<ApiError> errors) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            errors.add(new ApiError("parameter_invalid", name + " must be given once", name));
            return null;
        }
        return values.get(0);
    }

    private Contact find(String workspaceId, ListRequest request) {
        Optional<Contact> contact = switch (request.identifier()) {
            case INTERCOM_USER_ID -> contacts.byId(workspaceId, request.value());
            case USER_ID -> contacts.userByExternalId(workspaceId, request.value());
            default -> contacts.userByEmail(workspaceId, request.value());
        };
        return contact.orElseThrow(ApiException::userNotFound);
    }

    private byte[] list(Context ctx, String workspaceId, Contact contact, ListRequest request)
            throws StoreUnavailableException, ReadsExhausted {
        Instant now = clock.instant();
        EventQueries.Page page = read(listTime, () -> queries.listEvents(workspaceId, contact.id(), now, request.before(), request.perPage()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 320 * page.events().size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "event.list");
            g.writeArrayFieldStart("events");
            for (EventQueries.Event e : page.events()) {
                g.writeStartObject();
                // The Ruby client refuses items without their type (http-api.md).
                g.writeStringField("type", "event");
                g.writeStringField("id", e.id());
                g.writeStringField("event_name", e.eventName());
                g.writeNumberField("created_at", e.createdAt());
                // The identifiers the contact had when the event was accepted, as the row holds them.
                g.writeStringField("user_id", e.userId());
                g.writeStringField("email", e.email());
                g.writeStringField("intercom_user_id", e.contactId());
                // Raw: the values as sent, numbers in the digits that were sent (3.670 stays 3.670).
                g.writeFieldName("metadata");
                g.writeRawValue(e.metadataJson());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("pages");
            if (page.next() == null) {
                g.writeNullField("next");
            } else {
                g.writeStringField("next", nextPage(ctx, contact.id(), request.perPage(), page.next()));
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into a byte array: cannot happen
        }
        return out.toByteArray();
    }

    private byte[] summary(Contact contact) throws StoreUnavailableException, ReadsExhausted {
        List<EventQueries.Summary> summaries = read(summaryTime, () -> queries.summaries(contact.workspaceId(), contact.id()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 128 * summaries.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "event.summary");
            // The contact's identifiers now (a summary spans all of its events, accepted under whatever it had then).
            g.writeStringField("user_id", contact.externalId());
            g.writeStringField("email", contact.email());
            g.writeStringField("intercom_user_id", contact.id());
            g.writeArrayFieldStart("events");
            for (EventQueries.Summary s : summaries) {
                g.writeStartObject();
                g.writeStringField("name", s.eventName());
                g.writeStringField("first", SUMMARY_TIME.format(s.first()));
                g.writeStringField("last", SUMMARY_TIME.format(s.last()));
                g.writeNumberField("count", s.count());
                // Intercom's event descriptions are set in its UI; there is no such thing here.
                g.writeNullField("description");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface StoreRead<T> {
        T run() throws StoreUnavailableException;
    }

    private <T> T read(Timer timer, StoreRead<T> read) throws StoreUnavailableException, ReadsExhausted {
        if (!readsInFlight.tryAcquire()) {
            throw new ReadsExhausted();
        }
        long start = System.nanoTime();
        try {
            return read.run();
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            readsInFlight.release();
        }
    }

    private void logOutage(StoreUnavailableException e) {
        long now = System.nanoTime();
        long last = lastOutageLog.get();
        if (now - last >= OUTAGE_LOG_INTERVAL_NANOS && lastOutageLog.compareAndSet(last, now)) {
            LOG.warn("GET /events answered 503: {} (logged at most every 10 s; ingest_event_reads_total counts each)", e.getMessage());
        }
    }

    /**
     * {@code pages.next}: an absolute URL on the origin the client used (its scheme and the {@code Host}
     * header as sent, so behind a reverse proxy that passes Host through it stays on the proxy's address).
     * It names the resolved contact by {@code intercom_user_id}, whatever identifier the first page used, so
     * a walk stays on one contact even if an email or external id moves to another meanwhile.
     */
    static String nextPage(Context ctx, String contactId, int perPage, Cursor next) {
        return origin(ctx) + "/events?type=user&intercom_user_id=" + URLEncoder.encode(contactId, StandardCharsets.UTF_8)
                + "&per_page=" + perPage + "&before=" + next.encode();
    }

    private static String origin(Context ctx) {
        String host = ctx.header("Host");
        if (host == null || !HOST_HEADER.matcher(host).matches()) {
            // HTTP/1.0 without Host, or a value we will not echo into a URL: the address this request reached.
            String address = ctx.req().getLocalAddr();
            host = (address.contains(":") ? "[" + address + "]" : address) + ":" + ctx.req().getLocalPort();
        }
        return ctx.scheme() + "://" + host;
    }

    private static Outcome outcomeOf(int status) {
        return switch (status) {
            case 400 -> Outcome.INVALID;
            case 401 -> Outcome.UNAUTHORIZED;
            case 403 -> Outcome.FORBIDDEN;
            case 404 -> Outcome.NOT_FOUND;
            case 409 -> Outcome.CONFLICT;
            case 429 -> Outcome.RATE_LIMITED;
            default -> Outcome.FAILED;
        };
    }

    /** All {@link #MAX_READS_IN_FLIGHT} read slots are taken. An answer, not a failure: no stack trace. */
    private static final class ReadsExhausted extends Exception {
        private static final long serialVersionUID = 1L;

        ReadsExhausted() {
            super("all read slots are taken", null, false, false);
        }
    }
}
