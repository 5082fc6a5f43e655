package dev.eventpipeline.common.records;

/** A metadata key removed from a clean event, and why (for example {@link #KEY_QUOTA_EXCEEDED}). */
public record DroppedMetadata(String key, String reason) {

    public static final String KEY_QUOTA_EXCEEDED = "key_quota_exceeded";
}
