package dev.eventpipeline.ingest.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A validated {@code POST /events} body (or one bulk item): the identifiers as sent (null when
 * absent) and the metadata already trimmed to the kept keys, in sent order, nulls dropped;
 * {@code ignoredMetadataKeys} are the keys past the tenth, in sent order (recorded, never validated).
 */
public record EventRequest(String eventName, long createdAt, String userId, String id, String email, ObjectNode metadata,
                           List<String> ignoredMetadataKeys) {

    public EventRequest {
        ignoredMetadataKeys = ignoredMetadataKeys == null ? List.of() : List.copyOf(ignoredMetadataKeys);
    }

    /** A request whose metadata had at most ten keys. */
    public EventRequest(String eventName, long createdAt, String userId, String id, String email, ObjectNode metadata) {
        this(eventName, createdAt, userId, id, email, metadata, List.of());
    }
}
