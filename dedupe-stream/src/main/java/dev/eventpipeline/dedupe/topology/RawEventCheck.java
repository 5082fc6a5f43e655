package dev.eventpipeline.dedupe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.metadata.MetadataShapes;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import java.util.Iterator;
import java.util.Map;

/**
 * The checks a raw record must pass before it touches any state. {@code ingest-api} validated the
 * request; these guard against other producers, older or newer writers, and a wrong key (a record
 * keyed otherwise could land in another partition than its copies and escape de-duplication).
 */
final class RawEventCheck {

    private RawEventCheck() {}

    static void requireValid(String key, RawEvent raw) {
        if (raw == null) {
            throw new InvalidRawEventException("the record has no value (a tombstone is no event)");
        }
        if (raw.v() < 1 || raw.v() > RawEvent.CURRENT_VERSION) {
            throw new InvalidRawEventException("unsupported version v=" + raw.v() + "; this reader knows 1.." + RawEvent.CURRENT_VERSION);
        }
        requireText(raw.requestId(), "request_id");
        requireText(raw.workspaceId(), "workspace_id");
        requireText(raw.eventName(), "event_name");
        if (raw.receivedAt() == null) {
            throw new InvalidRawEventException("received_at is missing");
        }
        if (raw.contact() == null) {
            throw new InvalidRawEventException("contact is missing");
        }
        requireText(raw.contact().id(), "contact.id");
        if (raw.createdAt() < 0) {
            throw new InvalidRawEventException("created_at is negative: " + raw.createdAt());
        }
        if (!EventKeys.isDefinitionKey(key, raw.workspaceId(), raw.eventName())) {
            throw new InvalidRawEventException("key '" + key + "' is not '" + EventKeys.definitionKey(raw.workspaceId(), raw.eventName())
                    + "' (<workspace_id>:<event_name>): copies of this event could be on another partition");
        }
        if (raw.metadata() != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = raw.metadata().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().isEmpty()) {
                    throw new InvalidRawEventException("metadata has an empty key");
                }
                JsonNode value = field.getValue();
                // Strings always have a type; everything else takes the shape check ingest-api applies too.
                if (!value.isNull() && !value.isTextual()) {
                    String problem = MetadataShapes.problemWith(value);
                    if (problem != null) {
                        throw new InvalidRawEventException("metadata." + field.getKey() + ": " + problem);
                    }
                }
            }
        }
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new InvalidRawEventException(field + " is missing or empty");
        }
    }
}
