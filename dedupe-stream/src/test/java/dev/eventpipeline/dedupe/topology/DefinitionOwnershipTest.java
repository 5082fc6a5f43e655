package dev.eventpipeline.dedupe.topology;

import static dev.eventpipeline.dedupe.topology.RawEvents.event;
import static dev.eventpipeline.dedupe.topology.RawEvents.metadata;
import static dev.eventpipeline.dedupe.topology.TopologyHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventDefinition.MetadataKey;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata rules across tasks: de-duplication tasks decide from their copy of a definition what it can
 * decide (all keys tracked, or the definition full), and send every other first copy to the definition's
 * owner. "Two tasks at once" is played by writing straight to {@code definition-requests} what two
 * de-duplication tasks send when both read the same copy before the owner changed it.
 */
class DefinitionOwnershipTest {

    private static final Duration DELAY = Duration.ofHours(24);

    private final TopologyHarness harness = new TopologyHarness(Duration.ofDays(7), DELAY);
    /** What de-duplication tasks write to the owner: the raw event, keyed by its definition. */
    private final TestInputTopic<String, RawEvent> requests = harness.driver.createInputTopic(
            harness.settings.definitionRequestsTopic(), Serdes.String().serializer(), Topics.RAW_EVENTS.valueSerde().serializer());

    @AfterEach
    void close() {
        harness.close();
    }

    private void sendFromAnotherTask(RawEvent event) {
        requests.pipeInput(EventKeys.definitionKey(event.workspaceId(), event.eventName()), event, event.receivedAt());
    }

    private static Object[] keys(int from, int to) {
        return IntStream.range(from, to).boxed().flatMap(i -> java.util.stream.Stream.of("k" + i, i)).toArray();
    }

    @Test
    void events_whose_keys_the_copy_already_tracks_are_decided_without_a_trip_to_the_owner() {
        harness.send(event("c1", "page-viewed", 1, START, metadata("path", "/a", "ms", 12)));
        for (int i = 0; i < 20; i++) {
            harness.send(event("c" + i, "page-viewed", 10 + i, START.plusSeconds(i + 1), metadata("ms", i, "path", "/p" + i)));
        }

        List<CleanEvent> clean = harness.clean.readValuesToList();
        assertThat(clean).hasSize(21);
        assertThat(clean).allSatisfy(e -> assertThat(e.metadata().keySet()).containsExactlyInAnyOrder("path", "ms"));
        // Only the first event (no definition yet) went to the owner; it published the one definition.
        assertThat(harness.metrics.count("dedupe.definitions.owner.trips")).isEqualTo(1);
        assertThat(harness.definitions.readValuesToList()).hasSize(1);
    }

    @Test
    void a_full_definition_drops_a_new_key_in_the_deduplication_task_without_a_trip() {
        harness.send(event("c1", "e", 1, START, metadata(keys(0, 10))));
        harness.send(event("c2", "e", 2, START.plusSeconds(1), metadata("k3", 3, "new", "x")));

        List<CleanEvent> clean = harness.clean.readValuesToList();
        assertThat(clean.get(1).metadata().keySet()).containsExactly("k3");
        assertThat(clean.get(1).droppedMetadata()).containsExactly(new DroppedMetadata("new", DroppedMetadata.KEY_QUOTA_EXCEEDED));
        assertThat(harness.metrics.count("dedupe.definitions.owner.trips")).isEqualTo(1);
    }

    @Test
    void two_tasks_bringing_different_new_keys_to_a_nearly_full_definition_at_once_track_only_the_first_to_arrive() {
        harness.send(event("c1", "e", 1, START, metadata(keys(0, 9))));
        harness.definitions.readValuesToList();
        // Both tasks read the 9-key copy and each sent its event on; the owner sees them in this order.
        Instant at = START.plusSeconds(60);
        sendFromAnotherTask(event("c2", "e", 2, at, metadata("k0", 0, "tenth", "a")));
        sendFromAnotherTask(event("c3", "e", 3, at, metadata("eleventh", "b", "k1", 1)));

        List<CleanEvent> clean = harness.clean.readValuesToList();
        assertThat(clean).hasSize(3);
        assertThat(clean.get(1).metadata().keySet()).containsExactly("k0", "tenth");
        assertThat(clean.get(1).droppedMetadata()).isEmpty();
        assertThat(clean.get(2).metadata().keySet()).containsExactly("k1");
        assertThat(clean.get(2).droppedMetadata()).containsExactly(new DroppedMetadata("eleventh", DroppedMetadata.KEY_QUOTA_EXCEEDED));
        List<EventDefinition> changes = harness.definitions.readValuesToList();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).metadata()).hasSize(10);
        assertThat(changes.get(0).metadata().get(9)).isEqualTo(new MetadataKey("tenth", "string", MetadataKey.PENDING, at, null, at.plus(DELAY)));
    }

    @Test
    void two_tasks_bringing_the_same_new_key_at_once_track_it_once_and_keep_both_values() {
        harness.send(event("c1", "e", 1, START, metadata("a", 1)));
        harness.definitions.readValuesToList();
        Instant at = START.plusSeconds(5);
        sendFromAnotherTask(event("c2", "e", 2, at, metadata("b", "first")));
        sendFromAnotherTask(event("c3", "e", 3, at.plusMillis(1), metadata("b", "second")));

        List<CleanEvent> clean = harness.clean.readValuesToList();
        assertThat(clean.get(1).metadata().get("b").value().textValue()).isEqualTo("first");
        assertThat(clean.get(2).metadata().get("b").value().textValue()).isEqualTo("second");
        List<EventDefinition> changes = harness.definitions.readValuesToList();
        assertThat(changes).hasSize(1); // the second changed nothing
        assertThat(changes.get(0).metadata()).extracting(MetadataKey::key).containsExactly("a", "b");
        assertThat(changes.get(0).metadata().get(1).firstSeenAt()).isEqualTo(at);
    }

    @Test
    void a_key_added_by_the_owner_turns_active_after_the_delay_and_later_events_with_it_need_no_trip() {
        harness.send(event("c1", "e", 1, START, metadata("a", 1)));
        Instant at = START.plusSeconds(30);
        harness.send(event("c2", "e", 2, at, metadata("a", 2, "b", "x"))); // a new key: the owner's
        harness.driver.advanceWallClockTime(Duration.between(START, at.plus(DELAY)).plusSeconds(1));
        List<EventDefinition> changes = harness.definitions.readValuesToList();
        assertThat(changes).extracting(d -> d.metadata().get(d.metadata().size() - 1).status())
                .containsExactly(MetadataKey.ACTIVE, MetadataKey.PENDING, MetadataKey.ACTIVE);
        assertThat(changes.get(2).metadata().get(1).activeSince()).isEqualTo(at.plus(DELAY));

        double trips = harness.metrics.count("dedupe.definitions.owner.trips");
        harness.send(event("c3", "e", 3, at.plus(DELAY).plusSeconds(5), metadata("b", "y", "a", 3)));
        assertThat(harness.metrics.count("dedupe.definitions.owner.trips")).isEqualTo(trips);
        assertThat(harness.clean.readValuesToList().get(2).metadata().keySet()).containsExactly("b", "a");
    }

    @Test
    void however_requests_from_many_tasks_interleave_a_definition_never_tracks_more_than_ten_keys() {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("DefinitionOwnershipTest seed " + seed);
        Random r = new Random(seed);
        List<RawEvent> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Object[] kv = new Object[4];
            for (int k = 0; k < 2; k++) {
                kv[2 * k] = "key" + r.nextInt(25);
                kv[2 * k + 1] = i;
            }
            if (kv[0].equals(kv[2])) {
                kv = new Object[] {kv[0], kv[1]};
            }
            RawEvent e = event("c" + r.nextInt(50), "hot", i, START.plusMillis(i), metadata(kv));
            sent.add(e);
            // Some go through a de-duplication task (which may decide alone), some reach the owner as if sent by
            // a task whose copy was older.
            if (r.nextBoolean()) {
                harness.send(e);
            } else {
                sendFromAnotherTask(e);
            }
        }
        List<EventDefinition> changes = harness.definitions.readValuesToList();
        EventDefinition last = changes.get(changes.size() - 1);
        assertThat(changes).allSatisfy(d -> assertThat(d.metadata().size()).isLessThanOrEqualTo(10));
        assertThat(last.metadata()).hasSize(10);
        // Keys are tracked in the order their first events reached the definition, never reordered or removed.
        for (int i = 1; i < changes.size(); i++) {
            List<String> before = changes.get(i - 1).metadata().stream().map(MetadataKey::key).toList();
            List<String> after = changes.get(i).metadata().stream().map(MetadataKey::key).toList();
            assertThat(after.subList(0, before.size())).as("seed %d", seed).isEqualTo(before);
        }
        Set<String> tracked = new LinkedHashSet<>(last.metadata().stream().map(MetadataKey::key).toList());
        // Every clean event is consistent with the definition: its values are tracked keys, its drops are not.
        List<CleanEvent> clean = harness.clean.readValuesToList();
        assertThat(clean).hasSize(sent.size());
        Map<String, CleanEvent> byRequest = new HashMap<>();
        clean.forEach(c -> byRequest.put(c.requestId(), c));
        for (RawEvent e : sent) {
            CleanEvent c = byRequest.get(e.requestId());
            Set<String> sentKeys = new LinkedHashSet<>();
            e.metadata().fieldNames().forEachRemaining(sentKeys::add);
            assertThat(tracked).as("seed %d", seed).containsAll(c.metadata().keySet());
            assertThat(c.droppedMetadata()).extracting(DroppedMetadata::key).as("seed %d", seed).doesNotContainAnyElementsOf(tracked);
            Set<String> accounted = new LinkedHashSet<>(c.metadata().keySet());
            c.droppedMetadata().forEach(d -> accounted.add(d.key()));
            assertThat(accounted).as("every key sent is kept or dropped, seed %d", seed).isEqualTo(sentKeys);
        }
    }
}
