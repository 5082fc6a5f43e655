package dev.eventpipeline.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.contacts.ContactResolver;
import dev.eventpipeline.ingest.contacts.ContactResolver.Resolution;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.validation.EventRequest;
import dev.eventpipeline.ingest.validation.EventValidator;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /bulk/events}: Intercom's legacy bulk API. Validation is all or nothing: every item is
 * checked, then every contact resolved, before anything is stored; precedence 400 over 409 over 404,
 * one error per bad item with its field prefixed {@code items[i].data.}.
 *
 * <p>Storing is not transactional: each event is its own write, sent concurrently, so a {@code 503} may
 * leave some of them stored. A retry of the same body is safe: its copies carry the same
 * de-duplication key, and dedupe-stream drops them. (A Kafka transaction per request would make it all
 * or nothing, but a producer holds one transaction at a time: concurrent bulk requests would need one
 * transactional producer each, instead of the one shared idempotent producer of http-api.md.)
 */
final class PostBulkEventsHandler implements Handler {

    private final Admission admission;
    private final HttpLimits limits;
    private final ContactResolver contacts;
    private final EventLog log;
    private final StoredAnswers answers;
    private final Clock clock;
    private final Counter accepted;
    private final Counter duplicatesIgnored;

    PostBulkEventsHandler(Admission admission, HttpLimits limits, ContactResolver contacts, EventLog log, StoredAnswers answers,
                          Clock clock, Counter accepted, Counter duplicatesIgnored) {
        this.admission = admission;
        this.limits = limits;
        this.contacts = contacts;
        this.log = log;
        this.answers = answers;
        this.clock = clock;
        this.accepted = accepted;
        this.duplicatesIgnored = duplicatesIgnored;
    }

    @Override
    public void handle(Context ctx) {
        Call call = admission.admit(ctx, ApiToken.WRITE);
        JsonNode items = items(RequestBodies.readJson(ctx, limits.bulkBodyBytes()));
        List<EventRequest> requests = validate(items, clock.instant());
        List<Resolution> resolutions = resolve(call.workspaceId(), requests);

        String requestId = RequestIds.of(ctx);
        Instant receivedAt = Instant.ofEpochMilli(clock.millis());
        Set<String> seen = new HashSet<>();
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
            events.add(call.rawEvent(requestId, receivedAt, res.contact(), r));
        }
        int duplicates = requests.size() - events.size();
        CompletableFuture<Void> stored = answers.publishCreated(List.copyOf(created.values())).thenCompose(v ->
                CompletableFuture.allOf(events.stream().map(log::appendEvent).toArray(CompletableFuture[]::new)));
        answers.whenStored(ctx, stored, () -> {
            accepted.increment(events.size());
            duplicatesIgnored.increment(duplicates);
            ObjectNode job = Json.mapper().createObjectNode();
            job.put("type", "job");
            job.put("id", "job_" + UUID.randomUUID());
            job.put("state", "completed");
            job.put("item_count", requests.size());
            job.put("duplicates_ignored", duplicates);
            ctx.status(202).contentType("application/json").result(Json.toBytes(job));
        });
    }

    private JsonNode items(JsonNode body) {
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
        return items;
    }

    /** Every item's event, or a 400 with the first error of each bad item. */
    private static List<EventRequest> validate(JsonNode items, Instant now) {
        List<EventRequest> requests = new ArrayList<>(items.size());
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
        return requests;
    }

    /** Every item's contact, or a 409 (ambiguous emails) or 404 (unknown contacts) naming each bad item. */
    private List<Resolution> resolve(String workspaceId, List<EventRequest> requests) {
        List<ApiError> conflicts = new ArrayList<>();
        List<ApiError> notFound = new ArrayList<>();
        List<Resolution> resolutions = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            EventRequest r = requests.get(i);
            try {
                resolutions.add(contacts.resolve(workspaceId, r));
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
        return resolutions;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static String firstIdentifier(EventRequest r) {
        return r.id() != null ? "id" : r.userId() != null ? "user_id" : "email";
    }
}
