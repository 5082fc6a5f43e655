package dev.eventpipeline.common.records;

import java.time.Instant;
import java.util.List;

/** The value of {@code event-definitions}: one per workspace and event name, at most ten tracked keys ({@code MetadataShapes.MAX_KEYS}). */
public record EventDefinition(
        String workspaceId,
        String eventName,
        Instant firstSeenAt,
        Instant updatedAt,
        List<MetadataKey> metadata) {

    /** One tracked key: {@code active} from creation, or {@code pending} until {@code activeAfter}. */
    public record MetadataKey(
            String key, String type, String status, Instant firstSeenAt, Instant activeSince, Instant activeAfter) {

        public static final String ACTIVE = "active";
        public static final String PENDING = "pending";
    }
}
