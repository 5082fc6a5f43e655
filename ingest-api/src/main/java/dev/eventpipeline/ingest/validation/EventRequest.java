package dev.eventpipeline.ingest.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated {@code POST /events} body (or one bulk item): the identifiers as sent (null when
 * absent) and the metadata already trimmed to the kept keys, in sent order, nulls dropped.
 */
public record EventRequest(String eventName, long createdAt, String userId, String id, String email, ObjectNode metadata) {}
