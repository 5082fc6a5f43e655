package dev.eventpipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.records.TypedValue;
import dev.eventpipeline.common.topics.Topics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schemas accept what the records serialise to (and the spec's examples), and reject what the spec forbids. */
class JsonSchemasTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant AT = Instant.parse("2026-11-27T08:00:00.123Z");
    private static final ContactRef FRODO = new ContactRef("c1", "user", "314159", "frodo@example.com");

    @Test
    void raw_event_record_matches_its_schema_and_nested_metadata_does_not() {
        ObjectNode metadata = NODES.objectNode();
        metadata.put("invite_code", "ADDAFRIEND");
        metadata.put("load", 3.67);
        metadata.putObject("price").put("amount", 34999).put("currency", "eur");
        RawEvent raw = new RawEvent(1, "r1", AT, "w1", "a1", "2.10", FRODO, "invited-friend", 1671028894L, metadata);
        String json = Json.toString(raw);
        assertThat(JsonSchemas.errors(Topics.RAW_EVENTS, json)).isEmpty();

        metadata.putObject("nested").putObject("deeper").put("x", 1);
        assertThat(JsonSchemas.errors(Topics.RAW_EVENTS, Json.toString(raw))).isNotEmpty();
    }

    @Test
    void clean_event_with_every_metadata_type_matches_and_a_mistyped_value_does_not() {
        Map<String, TypedValue> metadata = new LinkedHashMap<>();
        metadata.put("invite_code", new TypedValue("string", NODES.textNode("ADDAFRIEND")));
        metadata.put("load", new TypedValue("number", NODES.numberNode(3.67)));
        metadata.put("contact_date", new TypedValue("date", NODES.numberNode(1392036272L)));
        metadata.put("article", new TypedValue("link", NODES.textNode("https://example.org/ab1de.html")));
        metadata.put("order", new TypedValue("rich_link", NODES.objectNode().put("url", "https://example.org/o/1").put("value", "the dude abides")));
        metadata.put("price", new TypedValue("monetary_amount", NODES.objectNode().put("amount", 34999).put("currency", "eur")));
        String id = EventKeys.eventId("w1", "c1", "invited-friend", 1671028894L);
        CleanEvent clean = new CleanEvent(id, "w1", "invited-friend", 1671028894L, FRODO, metadata,
                List.of(new DroppedMetadata("k11", DroppedMetadata.KEY_QUOTA_EXCEEDED)), AT, "r1", "2.10");
        String json = Json.toString(clean);
        assertThat(JsonSchemas.errors(Topics.CLEAN_EVENTS, json)).isEmpty();
        assertThat(json).as("keys keep the order they were sent in")
                .containsSubsequence("invite_code", "load", "contact_date", "article", "order", "price");

        metadata.put("load", new TypedValue("date", NODES.textNode("yesterday")));
        assertThat(JsonSchemas.errors(Topics.CLEAN_EVENTS, Json.toString(clean))).isNotEmpty();
    }

    @Test
    void definition_requires_active_since_on_active_keys_and_active_after_on_pending_ones() {
        var active = new EventDefinition.MetadataKey("invite_code", "string", "active", AT, AT, null);
        var pending = new EventDefinition.MetadataKey("plan", "string", "pending", AT, null, AT.plusSeconds(86_400));
        assertThat(JsonSchemas.errors(Topics.EVENT_DEFINITIONS,
                Json.toString(new EventDefinition("w1", "invited-friend", AT, AT, List.of(active, pending))))).isEmpty();

        var pendingWithoutDeadline = new EventDefinition.MetadataKey("plan", "string", "pending", AT, null, null);
        assertThat(JsonSchemas.errors(Topics.EVENT_DEFINITIONS,
                Json.toString(new EventDefinition("w1", "invited-friend", AT, AT, List.of(pendingWithoutDeadline))))).isNotEmpty();
    }

    @Test
    void duplicate_dead_letter_and_contact_records_match_their_schemas() {
        String id = EventKeys.eventId("w1", "c1", "invited-friend", 1L);
        assertThat(JsonSchemas.errors(Topics.DUPLICATE_EVENTS, Json.toString(new DuplicateEvent(id, "r2", AT, "r1")))).isEmpty();
        assertThat(JsonSchemas.errors(Topics.DEAD_LETTER_EVENTS,
                Json.toString(new DeadLetter("unreadable", "not JSON", "raw-events", 0, 42L, "w1:x", "{oops")))).isEmpty();
        assertThat(JsonSchemas.errors(Topics.CONTACTS,
                Json.toString(new Contact("contact", "6657ad1d6abd0166b52ae2d4", "w1", "user", "314159", null, null, 1671028894L)))).isEmpty();
        assertThat(JsonSchemas.errors(Topics.CONTACTS,
                Json.toString(new Contact("contact", "6657ad1d6abd0166b52ae2d4", "w1", "user", null, null, null, 1671028894L))))
                .as("a user needs external_id or email").isNotEmpty();
    }
}
