package dev.eventpipeline.dedupe.topology;

import static dev.eventpipeline.dedupe.topology.RawEvents.event;
import static dev.eventpipeline.dedupe.topology.TopologyHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private final TopologyHarness harness = new TopologyHarness(Duration.ofDays(7), Duration.ofHours(24));

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void unreadable_value_becomes_a_dead_letter_with_the_input_and_processing_continues() {
        harness.rawText.pipeInput("ws1:e", "{not json", START);
        harness.send(event("c1", "e", 1, START.plusSeconds(1)));

        var letters = harness.deadLetters.readRecordsToList();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).key()).isEqualTo("ws1:e");
        DeadLetter letter = letters.get(0).value();
        assertThat(letter.reason()).isEqualTo(DeadLetter.REASON_UNREADABLE);
        assertThat(letter.value()).isEqualTo("{not json");
        assertThat(letter.key()).isEqualTo("ws1:e");
        assertThat(letter.topic()).isEqualTo(Topics.RAW_EVENTS.name(TopologyHarness.PREFIX));
        assertThat(letter.offset()).isEqualTo(0);
        assertThat(letter.detail()).isNotBlank();
        assertThat(harness.clean.readValuesToList()).hasSize(1);
        assertThat(harness.metrics.count("dedupe.events.dead.letters")).isEqualTo(1);
    }

    @Test
    void record_without_contact_is_an_invalid_dead_letter_keeping_the_original_json() {
        RawEvent valid = event("c1", "e", 1, START);
        RawEvent noContact = new RawEvent(1, "r1", START, "ws1", "app", "2.10", null, "e", 1, null);
        String json = Json.toString(noContact);
        harness.rawText.pipeInput("ws1:e", json, START);
        harness.send(valid);

        DeadLetter letter = harness.deadLetters.readValue();
        assertThat(letter.reason()).isEqualTo(DeadLetter.REASON_INVALID);
        assertThat(letter.detail()).contains("contact");
        assertThat(letter.value()).isEqualTo(json);
        assertThat(letter.offset()).isEqualTo(0);
        assertThat(harness.clean.readValuesToList()).hasSize(1);
    }

    @Test
    void each_contract_breach_is_a_dead_letter_and_none_reaches_clean_or_duplicate_events() {
        RawEvent good = event("c1", "e", 1, START);
        String[][] bad = {
                {"ws1:e", Json.toString(withVersion(good, 2))},
                {"ws1:e", Json.toString(new RawEvent(1, "r", START, "ws1", "a", "2.10", new ContactRef("", "user", null, null), "e", 1, null))},
                {"ws1:other", Json.toString(good)},
                {"ws1:e", Json.toString(event("c1", "e", 1, START, RawEvents.metadata("tags", java.util.List.of("a", "b"))))},
                {"ws1:e", Json.toString(event("c1", "e", 1, START, RawEvents.metadata("flag", true)))},
                {"ws1:e", Json.toString(event("c1", "e", 1, START, RawEvents.metadata("obj", java.util.Map.of("x", 1))))},
                // The shapes ingest-api refuses (common's MetadataShapes): no ISO 4217 currency, a number no double holds.
                {"ws1:e", Json.toString(event("c1", "e", 1, START, RawEvents.metadata("price", java.util.Map.of("amount", 5, "currency", "xyz"))))},
                {"ws1:e", Json.toString(event("c1", "e", 1, START, RawEvents.metadata("load", new java.math.BigDecimal("1e400"))))},
                {"ws1:e", Json.toString(event("c1", "e", -1, START))},
                {"ws1:e", null},
                {"ws1:e", "[1,2]"},
                {"ws1:e", "{\"v\":1,\"v\":1}"},
        };
        for (String[] record : bad) {
            harness.rawText.pipeInput(record[0], record[1], START);
        }

        var letters = harness.deadLetters.readValuesToList();
        assertThat(letters).hasSize(bad.length);
        assertThat(letters).extracting(DeadLetter::offset)
                .containsExactly(java.util.stream.LongStream.range(0, bad.length).boxed().toArray(Long[]::new));
        assertThat(harness.clean.isEmpty()).isTrue();
        assertThat(harness.duplicates.isEmpty()).isTrue();
    }

    private static RawEvent withVersion(RawEvent e, int v) {
        return new RawEvent(v, e.requestId(), e.receivedAt(), e.workspaceId(), e.appId(), e.intercomVersion(), e.contact(),
                e.eventName(), e.createdAt(), e.metadata());
    }
}
