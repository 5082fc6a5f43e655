package dev.eventpipeline.common.records;

import java.time.Instant;

/** The value of {@code duplicate-events}: a later copy of an event, pointing at the first copy's request. */
public record DuplicateEvent(String id, String requestId, Instant receivedAt, String firstRequestId) {}
