package dev.eventpipeline.common.records;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The value of {@code raw-events}: a request {@code ingest-api} validated and accepted.
 *
 * <p>{@code metadata} keeps the producer's key order (Jackson's {@link ObjectNode} is ordered) and the
 * values as sent, already checked for shape; typing happens in {@code dedupe-stream}.
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
        ObjectNode metadata) {

    /** Bump only for a change an older reader would misread; additions need no bump. */
    public static final int CURRENT_VERSION = 1;
}
