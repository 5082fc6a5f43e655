package dev.eventpipeline.common.records;

/**
 * The contact an event is recorded against, as resolved by {@code ingest-api}: its id (the
 * de-duplication key uses it), its role, and the identifiers the producer knows it by.
 */
public record ContactRef(String id, String role, String userId, String email) {

    public static final String ROLE_USER = "user";
    public static final String ROLE_LEAD = "lead";
}
