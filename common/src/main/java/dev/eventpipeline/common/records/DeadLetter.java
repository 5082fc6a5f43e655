package dev.eventpipeline.common.records;

/**
 * The value of {@code dead-letter-events}: an input record that could not be processed, kept whole
 * (key and value as strings) with where it came from, so that it can be inspected and replayed.
 */
public record DeadLetter(
        String reason, String detail, String topic, int partition, long offset, String key, String value) {

    public static final String REASON_UNREADABLE = "unreadable";
    public static final String REASON_INVALID = "invalid";
}
