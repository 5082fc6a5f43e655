package dev.eventpipeline.dedupe.topology;

import static dev.eventpipeline.dedupe.topology.RawEvents.event;
import static dev.eventpipeline.dedupe.topology.TopologyHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the event-id-keyed topology takes over from the name-keyed one: raw-events records still keyed
 * {@code <workspace>:<event_name>} are re-keyed and de-duplicated with their copies, and seeds (the old
 * de-duplication memory, re-partitioned at the upgrade) make later copies of old events duplicates.
 */
class UpgradePathTest {

    private static final Duration W = Duration.ofDays(7);

    private final TopologyHarness harness = new TopologyHarness(W, Duration.ofHours(24));
    private final TestInputTopic<String, byte[]> seeds = harness.driver.createInputTopic(
            harness.settings.seedTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer());

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void a_name_keyed_record_is_re_keyed_and_meets_its_event_id_keyed_copies_either_way_round() {
        RawEvent oldFirst = event("c1", "e", 1, START);
        RawEvent newCopy = event("c1", "e", 1, START.plusSeconds(1));
        harness.sendNameKeyed(oldFirst);
        harness.send(newCopy);
        RawEvent newFirst = event("c2", "e", 2, START.plusSeconds(2));
        RawEvent oldCopy = event("c2", "e", 2, START.plusSeconds(3));
        harness.send(newFirst);
        harness.sendNameKeyed(oldCopy);

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::requestId)
                .containsExactly(oldFirst.requestId(), newFirst.requestId());
        assertThat(harness.duplicates.readValuesToList()).extracting(DuplicateEvent::requestId, DuplicateEvent::firstRequestId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(newCopy.requestId(), oldFirst.requestId()),
                        org.assertj.core.groups.Tuple.tuple(oldCopy.requestId(), newFirst.requestId()));
        assertThat(harness.metrics.count("dedupe.events.rekeyed")).isEqualTo(2);
        assertThat(harness.metrics.count("dedupe.events.processed")).isEqualTo(4);
    }

    @Test
    void a_seed_makes_a_later_copy_of_an_old_event_a_duplicate_of_the_old_first_request() {
        RawEvent copy = event("c1", "e", 1, START.plus(W).minusSeconds(1));
        String id = EventKeys.eventId(copy);
        String oldFirstRequest = "8c5a2f6e-1d3b-4c7a-9e2f-0b1c2d3e4f50";
        seeds.pipeInput(id, DedupeWindow.entry(START.toEpochMilli(), oldFirstRequest), 0L);
        seeds.pipeInput(DedupeTopology.SEEDS_COMPLETE_MARKER, new byte[0], 0L);
        harness.send(copy);

        assertThat(harness.clean.isEmpty()).isTrue();
        assertThat(harness.duplicates.readValue()).isEqualTo(new DuplicateEvent(id, copy.requestId(), copy.receivedAt(), oldFirstRequest));
        assertThat(harness.metrics.count("dedupe.upgrade.seeds")).isEqualTo(1);
    }

    @Test
    void a_seed_older_than_the_window_before_the_copy_lets_the_copy_through_as_new() {
        RawEvent copy = event("c1", "e", 1, START.plus(W).plusSeconds(1));
        seeds.pipeInput(EventKeys.eventId(copy), DedupeWindow.entry(START.toEpochMilli(), "old-request"), 0L);
        harness.send(copy);

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::requestId).containsExactly(copy.requestId());
        assertThat(harness.duplicates.isEmpty()).isTrue();
    }

    @Test
    void a_seed_that_is_no_entry_is_a_dead_letter_and_changes_nothing() {
        seeds.pipeInput("not-an-id", DedupeWindow.entry(START.toEpochMilli(), "r"), 0L);
        seeds.pipeInput(EventKeys.eventId("ws1", "c1", "e", 1), new byte[] {1, 2}, 0L);
        assertThat(harness.deadLetters.readValuesToList()).hasSize(2);
        harness.send(event("c1", "e", 1, START));
        assertThat(harness.clean.readValuesToList()).hasSize(1);
    }
}
