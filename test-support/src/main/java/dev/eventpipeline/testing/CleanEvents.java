package dev.eventpipeline.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.TypedValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Clean events and definitions in the spec's format, as dedupe-stream publishes them: what the
 * sink's tests send through Kafka and the store's tests write with {@code EventStore}.
 */
public final class CleanEvents {

    private CleanEvents() {}

    /** An event of a user contact {@code contactId} (user_id {@code u-<contactId>}) with three metadata keys. */
    public static CleanEvent event(String workspace, String contactId, String eventName, long createdAt) {
        Map<String, TypedValue> metadata = new LinkedHashMap<>();
        // Deliberately not alphabetical: the store must keep the order in which the keys were sent.
        metadata.put("zeta", new TypedValue("string", JsonNodeFactory.instance.textNode("last-letter-first")));
        metadata.put("alpha", new TypedValue("number", JsonNodeFactory.instance.numberNode(3.67)));
        metadata.put("mid_date", new TypedValue("date", JsonNodeFactory.instance.numberNode(1392036272L)));
        return event(workspace, contactId, eventName, createdAt, metadata);
    }

    /** The same with the given typed metadata (kept in the map's order). */
    public static CleanEvent event(String workspace, String contactId, String eventName, long createdAt,
                                   Map<String, TypedValue> metadata) {
        return new CleanEvent(EventKeys.eventId(workspace, contactId, eventName, createdAt), workspace, eventName, createdAt,
                new ContactRef(contactId, ContactRef.ROLE_USER, "u-" + contactId, contactId + "@example.com"),
                metadata, List.of(), Instant.parse("2026-11-27T08:00:00.123Z"), UUID.randomUUID().toString(), "2.10");
    }

    public static EventDefinition definition(String workspace, String eventName, Instant updatedAt, String... keys) {
        List<EventDefinition.MetadataKey> tracked = new ArrayList<>();
        for (String k : keys) {
            tracked.add(new EventDefinition.MetadataKey(k, "string", EventDefinition.MetadataKey.ACTIVE,
                    Instant.parse("2026-11-27T08:00:00Z"), Instant.parse("2026-11-27T08:00:00Z"), null));
        }
        return new EventDefinition(workspace, eventName, Instant.parse("2026-11-27T08:00:00Z"), updatedAt, tracked);
    }
}
