package dev.eventpipeline.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.sink.consume.RecordDecoder.Decoded;
import dev.eventpipeline.store.EventStore.EventRow;
import dev.eventpipeline.testing.CleanEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

    private static final String PREFIX = "t.";
    private final RecordDecoder decoder = new RecordDecoder(PREFIX);

    private static ConsumerRecord<byte[], byte[]> record(String baseTopic, String key, byte[] value) {
        return new ConsumerRecord<>(PREFIX + baseTopic, 1, 42L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void reads_a_clean_event_with_its_metadata_in_sent_order() {
        CleanEvent e = CleanEvents.event("w", "c", "signed-up", 1_700_000_000L);
        Decoded d = decoder.decode(record("clean-events", "w:c", Json.toBytes(e)));
        assertThat(d.deadLetter()).isNull();
        assertThat(d.event()).isEqualTo(EventRow.of(e));
        assertThat(d.event().metadataJson()).startsWith("{\"zeta\":{\"type\":\"string\",\"value\":\"last-letter-first\"},\"alpha\":");
    }

    @Test
    void dead_letters_a_value_that_is_not_json_as_unreadable_keeping_the_input() {
        Decoded d = decoder.decode(record("clean-events", "w:c", "{oops".getBytes(StandardCharsets.UTF_8)));
        assertThat(d.event()).isNull();
        DeadLetter l = d.deadLetter();
        assertThat(l.reason()).isEqualTo(DeadLetter.REASON_UNREADABLE);
        assertThat(l.topic()).isEqualTo("t.clean-events");
        assertThat(l.partition()).isEqualTo(1);
        assertThat(l.offset()).isEqualTo(42L);
        assertThat(l.key()).isEqualTo("w:c");
        assertThat(l.value()).isEqualTo("{oops");
    }

    @Test
    void dead_letters_an_event_whose_id_is_not_the_hash_of_its_deduplication_key() {
        CleanEvent e = CleanEvents.event("w", "c", "signed-up", 1_700_000_000L);
        CleanEvent forged = new CleanEvent(e.id(), e.workspaceId(), e.eventName(), e.createdAt() + 1, e.contact(),
                e.metadata(), e.droppedMetadata(), e.receivedAt(), e.requestId(), e.intercomVersion());
        Decoded d = decoder.decode(record("clean-events", "w:c", Json.toBytes(forged)));
        assertThat(d.deadLetter().reason()).isEqualTo(DeadLetter.REASON_INVALID);
        assertThat(d.deadLetter().detail()).contains(e.id());
    }

    @Test
    void dead_letters_an_event_without_a_request_id() {
        CleanEvent e = CleanEvents.event("w", "c", "signed-up", 1_700_000_000L);
        CleanEvent missing = new CleanEvent(e.id(), e.workspaceId(), e.eventName(), e.createdAt(), e.contact(),
                e.metadata(), e.droppedMetadata(), e.receivedAt(), null, e.intercomVersion());
        assertThat(decoder.decode(record("clean-events", "w:c", Json.toBytes(missing))).deadLetter().reason())
                .isEqualTo(DeadLetter.REASON_INVALID);
    }

    @Test
    void dead_letters_an_event_record_without_a_value() {
        assertThat(decoder.decode(record("clean-events", "w:c", null)).deadLetter().reason()).isEqualTo(DeadLetter.REASON_INVALID);
    }

    @Test
    void reads_a_definition_and_a_tombstone_splitting_the_key_at_the_first_colon() {
        var def = CleanEvents.definition("w", "a:b", Instant.parse("2026-11-27T08:00:00Z"), "k");
        Decoded d = decoder.decode(record("event-definitions", "w:a:b",
                Topics.EVENT_DEFINITIONS.valueSerde().serializer().serialize("", def)));
        assertThat(d.definition().definition()).isEqualTo(def);

        Decoded tombstone = decoder.decode(record("event-definitions", "w:a:b", null));
        assertThat(tombstone.definition().workspaceId()).isEqualTo("w");
        assertThat(tombstone.definition().eventName()).isEqualTo("a:b");
        assertThat(tombstone.definition().definition()).isNull();
    }

    @Test
    void dead_letters_a_tombstone_whose_key_names_no_definition() {
        assertThat(decoder.decode(record("event-definitions", "no-colon", null)).deadLetter().reason())
                .isEqualTo(DeadLetter.REASON_INVALID);
    }
}
