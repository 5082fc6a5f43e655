package dev.eventpipeline.common.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The value of {@code raw-events}: a request {@code ingest-api} validated and accepted.
 *
 * <p>{@code metadata} keeps the producer's key order (Jackson's {@link ObjectNode} is ordered) and the
 * values as sent, already checked for shape; typing happens in {@code dedupe-stream}. It holds at most
 * the first ten keys of the request; {@code ignoredMetadataKeys} names the ones after the tenth, in sent
 * order (http-api.md: ignored, never without a trace), and is left out of the JSON when empty.
 * The Kafka record timestamp is {@code receivedAt}; the de-duplication window is measured in it.
 */
public record RawEvent(
        int v,
        String requestId,
        Instant receivedAt,
        String workspaceId,
        String appId,
        String intercomVersion,
        ContactRef contact,
        String eventName,
        long createdAt,
        ObjectNode metadata,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> ignoredMetadataKeys) {

    /** Bump only for a change an older reader would misread; additions need no bump. */
    public static final int CURRENT_VERSION = 1;

    public RawEvent {
        ignoredMetadataKeys = ignoredMetadataKeys == null ? List.of() : List.copyOf(ignoredMetadataKeys);
    }

    /** An accepted request with no keys past the tenth. */
    public RawEvent(int v, String requestId, Instant receivedAt, String workspaceId, String appId, String intercomVersion,
                    ContactRef contact, String eventName, long createdAt, ObjectNode metadata) {
        this(v, requestId, receivedAt, workspaceId, appId, intercomVersion, contact, eventName, createdAt, metadata, List.of());
    }
}
