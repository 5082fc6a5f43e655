package dev.eventpipeline.common.records;

/**
 * The value of the compacted {@code contacts} topic and the body of {@code POST /contacts}.
 * {@code createdAt} is Unix seconds, as in Intercom's contact object.
 */
public record Contact(
        String type,
        String id,
        String workspaceId,
        String role,
        String externalId,
        String email,
        String name,
        long createdAt) {

    public static final String TYPE = "contact";
}
