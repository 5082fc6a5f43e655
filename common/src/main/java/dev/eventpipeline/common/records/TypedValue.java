package dev.eventpipeline.common.records;

import com.fasterxml.jackson.databind.JsonNode;

/** One metadata value of a clean event with its Intercom type ({@link MetadataType}). */
public record TypedValue(String type, JsonNode value) {}
