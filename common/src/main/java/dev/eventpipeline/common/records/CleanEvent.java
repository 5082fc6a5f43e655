package dev.eventpipeline.common.records;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The value of {@code clean-events}: the contract other teams consume.
 *
 * <p>{@code id} is {@link EventKeys#eventId}; {@code metadata} is ordered as the producer sent it
 * (build it from a {@link java.util.LinkedHashMap}; Jackson reads JSON objects back into one).
 */
public record CleanEvent(
        String id,
        String workspaceId,
        String eventName,
        long createdAt,
        ContactRef contact,
        Map<String, TypedValue> metadata,
        List<DroppedMetadata> droppedMetadata,
        Instant receivedAt,
        String requestId,
        String intercomVersion) {}
