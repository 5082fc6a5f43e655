package dev.eventpipeline.dedupe.topology;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.RawEvent;
import java.time.Instant;
import java.util.UUID;

/** Raw events as ingest-api writes them, for tests. Each call is a new request (its own request id). */
final class RawEvents {

    static final String WORKSPACE = "ws1";

    private RawEvents() {}

    static RawEvent event(String contactId, String eventName, long createdAt, Instant receivedAt) {
        return event(contactId, eventName, createdAt, receivedAt, Json.mapper().createObjectNode());
    }

    static RawEvent event(String contactId, String eventName, long createdAt, Instant receivedAt, ObjectNode metadata) {
        return new RawEvent(1, UUID.randomUUID().toString(), receivedAt, WORKSPACE, "app1", "2.10",
                new ContactRef(contactId, ContactRef.ROLE_USER, "u-" + contactId, null), eventName, createdAt, metadata);
    }

    static ObjectNode metadata(Object... keysAndValues) {
        ObjectNode node = Json.mapper().createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            node.set((String) keysAndValues[i], Json.mapper().valueToTree(keysAndValues[i + 1]));
        }
        return node;
    }
}
