package dev.eventpipeline.ingest.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.metadata.MetadataShapes;
import dev.eventpipeline.ingest.api.ApiError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rules of http-api.md for one event body: every row of the status table that needs no contact
 * lookup; metadata shapes are common's {@link MetadataShapes}, the rules dedupe-stream applies too.
 * Collects all errors of a body so a client fixes them in one round.
 */
public final class EventValidator {

    public static final int MAX_EVENT_NAME_CHARS = 255;
    public static final int MAX_METADATA_KEY_CHARS = MetadataShapes.MAX_KEY_CHARS;
    /** Intercom keeps the first ten keys in sent order and ignores the rest. */
    public static final int MAX_METADATA_KEYS = MetadataShapes.MAX_KEYS;
    /**
     * created_at may be at most this far ahead of our clock: enough for any client's clock skew and
     * time zone mistake, small enough to catch milliseconds (a millisecond timestamp of today is
     * tens of thousands of years ahead in seconds).
     */
    public static final Duration MAX_FUTURE = Duration.ofHours(24);


    private EventValidator() {}

    /** The outcome: a request, or the errors (fields relative to the event body). */
    public record Result(EventRequest request, List<ApiError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    public static Result validate(JsonNode body, Instant now) {
        List<ApiError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add(new ApiError("parameter_invalid", "must be a JSON object", null));
            return new Result(null, errors);
        }
        String eventName = eventName(body.get("event_name"), errors);
        long createdAt = createdAt(body.get("created_at"), now, errors);
        String userId = identifier(body, "user_id", errors);
        String id = identifier(body, "id", errors);
        String email = identifier(body, "email", errors);
        if (userId == null && id == null && email == null && errors.stream().noneMatch(e -> isIdentifier(e.field()))) {
            errors.add(new ApiError("parameter_not_found", "One of user_id, id or email is required", null));
        }
        Metadata metadata = metadata(body.get("metadata"), errors);
        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        return new Result(new EventRequest(eventName, createdAt, userId, id, email, metadata.kept(), metadata.ignored()), List.of());
    }

    private static boolean isIdentifier(String field) {
        return "user_id".equals(field) || "id".equals(field) || "email".equals(field);
    }

    private static String eventName(JsonNode node, List<ApiError> errors) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
            errors.add(new ApiError("parameter_not_found", "event_name is required", "event_name"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new ApiError("parameter_invalid", "event_name must be a string", "event_name"));
            return null;
        }
        String name = node.textValue();
        if (name.codePointCount(0, name.length()) > MAX_EVENT_NAME_CHARS) {
            errors.add(new ApiError("parameter_invalid", "event_name must be at most " + MAX_EVENT_NAME_CHARS + " characters", "event_name"));
            return null;
        }
        return name;
    }

    private static long createdAt(JsonNode node, Instant now, List<ApiError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new ApiError("parameter_not_found", "created_at is required: a Unix timestamp in seconds", "created_at"));
            return -1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            errors.add(new ApiError("parameter_invalid", "created_at must be an integer Unix timestamp in seconds", "created_at"));
            return -1;
        }
        long seconds = node.longValue();
        if (seconds < 0) {
            errors.add(new ApiError("parameter_invalid", "created_at must not be negative: a Unix timestamp in seconds", "created_at"));
            return -1;
        }
        if (seconds > now.plus(MAX_FUTURE).getEpochSecond()) {
            errors.add(new ApiError("parameter_invalid", "created_at " + seconds
                    + " is more than 24 hours in the future: it must be Unix seconds, not milliseconds", "created_at"));
            return -1;
        }
        return seconds;
    }

    private static String identifier(JsonNode body, String field, List<ApiError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new ApiError("parameter_invalid", field + " must be a string", field));
            return null;
        }
        String value = node.textValue();
        return value.isEmpty() ? null : value;
    }

    /** The kept metadata (the first ten non-null keys, in sent order) and the keys past the tenth. */
    private record Metadata(ObjectNode kept, List<String> ignored) {}

    private static Metadata metadata(JsonNode node, List<ApiError> errors) {
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        List<String> ignored = new ArrayList<>();
        if (node == null || node.isNull()) {
            return new Metadata(kept, ignored);
        }
        if (!node.isObject()) {
            errors.add(new ApiError("parameter_invalid", "metadata must be a JSON object", "metadata"));
            return new Metadata(kept, ignored);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue; // Intercom: a null value drops the key; it does not use up one of the ten.
            }
            if (kept.size() >= MAX_METADATA_KEYS) {
                // Intercom keeps the first ten and ignores the rest, unchecked; we name them (http-api.md).
                ignored.add(key);
                continue;
            }
            String field = "metadata." + key;
            if (!MetadataShapes.isValidKey(key)) {
                errors.add(new ApiError("parameter_invalid", "metadata keys must be 1 to " + MAX_METADATA_KEY_CHARS + " characters", field));
                continue;
            }
            String problem = MetadataShapes.problemWith(value);
            if (problem != null) {
                errors.add(new ApiError("parameter_invalid", problem, field));
                continue;
            }
            kept.set(key, MetadataShapes.normalised(value));
        }
        return new Metadata(kept, ignored);
    }
}
