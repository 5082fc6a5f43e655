package dev.eventpipeline.dedupe.topology;

import static dev.eventpipeline.dedupe.topology.RawEvents.event;
import static dev.eventpipeline.dedupe.topology.RawEvents.metadata;
import static dev.eventpipeline.dedupe.topology.TopologyHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventDefinition.MetadataKey;
import dev.eventpipeline.common.records.TypedValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetadataRulesTest {

    private static final Duration DELAY = Duration.ofHours(24);

    private final TopologyHarness harness = new TopologyHarness(Duration.ofDays(7), DELAY);

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void clean_event_carries_typed_metadata_in_the_order_sent() {
        var sent = metadata(
                "invite_code", "ADDAFRIEND",
                "load", 3.67,
                "contact_date", 1392036272,
                "article", "https://example.org/ab1de.html",
                "order", Map.of("url", "https://example.org/o/1", "value", "the dude abides"),
                "price", Map.of("amount", 34999, "currency", "EUR"),
                "count", 7,
                "plain_date", "yesterday");
        harness.send(event("c1", "invited-friend", 1, START, sent));

        Map<String, TypedValue> metadata = harness.clean.readValue().metadata();
        assertThat(metadata.keySet()).containsExactly("invite_code", "load", "contact_date", "article", "order", "price", "count", "plain_date");
        assertThat(metadata).extractingFromEntries(e -> e.getKey() + "=" + e.getValue().type()).containsExactly(
                "invite_code=string", "load=number", "contact_date=date", "article=link", "order=rich_link",
                "price=monetary_amount", "count=number", "plain_date=string");
        assertThat(metadata.get("load").value().doubleValue()).isEqualTo(3.67);
        assertThat(metadata.get("price").value()).isEqualTo(Json.mapper().valueToTree(Map.of("amount", 34999, "currency", "eur")));
        assertThat(metadata.get("order").value()).isEqualTo(sent.get("order"));
    }

    @Test
    void keys_past_the_tenth_of_a_request_are_dropped_for_the_quota_after_the_definitions_own_drops() {
        // A definition with ten keys, then an event with one untracked key of its ten and two past its tenth.
        var ten = metadata("k0", 0, "k1", 1, "k2", 2, "k3", 3, "k4", 4, "k5", 5, "k6", 6, "k7", 7, "k8", 8, "k9", 9);
        harness.send(event("c1", "e", 1, START, ten));
        var next = metadata("k0", 0, "extra", "x");
        harness.send(new dev.eventpipeline.common.records.RawEvent(1, "r2", START.plusSeconds(1), RawEvents.WORKSPACE, "app1", "2.10",
                new dev.eventpipeline.common.records.ContactRef("c2", "user", "u-c2", null), "e", 2, next, List.of("late1", "late2")));

        List<CleanEvent> clean = harness.clean.readValuesToList();
        assertThat(clean.get(0).droppedMetadata()).isEmpty();
        assertThat(clean.get(1).metadata().keySet()).containsExactly("k0");
        assertThat(clean.get(1).droppedMetadata()).containsExactly(
                new DroppedMetadata("extra", DroppedMetadata.KEY_QUOTA_EXCEEDED),
                new DroppedMetadata("late1", DroppedMetadata.KEY_QUOTA_EXCEEDED),
                new DroppedMetadata("late2", DroppedMetadata.KEY_QUOTA_EXCEEDED));
        // Ignored keys never become part of a definition, even one with room.
        harness.send(new dev.eventpipeline.common.records.RawEvent(1, "r3", START.plusSeconds(2), RawEvents.WORKSPACE, "app1", "2.10",
                new dev.eventpipeline.common.records.ContactRef("c1", "user", "u-c1", null), "roomy", 3, metadata("a", 1), List.of("b")));
        assertThat(harness.clean.readValue().droppedMetadata()).containsExactly(new DroppedMetadata("b", DroppedMetadata.KEY_QUOTA_EXCEEDED));
        List<EventDefinition> definitions = harness.definitions.readValuesToList();
        assertThat(definitions.get(definitions.size() - 1).metadata()).extracting(MetadataKey::key).containsExactly("a");
    }

    @Test
    void clean_event_json_keeps_key_order_on_the_wire() {
        harness.send(event("c1", "e", 1, START, metadata("zeta", "z", "alpha", "a", "mid", 1)));

        String json = harness.cleanText.readValue();
        assertThat(json.indexOf("\"zeta\"")).isLessThan(json.indexOf("\"alpha\""));
        assertThat(json.indexOf("\"alpha\"")).isLessThan(json.indexOf("\"mid\""));
    }

    @Test
    void first_event_creates_the_definition_with_its_keys_active_at_once() {
        harness.send(event("c1", "signup", 1, START, metadata("plan", "pro", "seats", 3)));

        var published = harness.definitions.readRecordsToList();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).key()).isEqualTo("ws1:signup");
        EventDefinition definition = published.get(0).value();
        assertThat(definition.firstSeenAt()).isEqualTo(START);
        assertThat(definition.metadata()).containsExactly(
                new MetadataKey("plan", "string", MetadataKey.ACTIVE, START, START, null),
                new MetadataKey("seats", "number", MetadataKey.ACTIVE, START, START, null));
    }

    @Test
    void key_added_later_is_pending_and_its_values_kept_until_the_wall_clock_passes_the_delay() {
        harness.send(event("c1", "signup", 1, START, metadata("plan", "pro")));
        var later = START.plusSeconds(60);
        harness.send(event("c1", "signup", 2, later, metadata("plan", "free", "referrer", "ads")));

        CleanEvent second = harness.clean.readValuesToList().get(1);
        assertThat(second.metadata()).containsKeys("plan", "referrer");
        List<EventDefinition> defs = harness.definitions.readValuesToList();
        assertThat(defs).hasSize(2);
        assertThat(defs.get(1).metadata().get(1))
                .isEqualTo(new MetadataKey("referrer", "string", MetadataKey.PENDING, later, null, later.plus(DELAY)));

        // One second before it is due, nothing changes; once due, the punctuator promotes and publishes.
        harness.driver.advanceWallClockTime(Duration.between(START, later.plus(DELAY)).minusSeconds(2));
        assertThat(harness.definitions.isEmpty()).isTrue();
        harness.driver.advanceWallClockTime(Duration.ofSeconds(3));
        EventDefinition promoted = harness.definitions.readValue();
        assertThat(promoted.metadata().get(1))
                .isEqualTo(new MetadataKey("referrer", "string", MetadataKey.ACTIVE, later, later.plus(DELAY), null));
        assertThat(promoted.metadata().get(0).status()).isEqualTo(MetadataKey.ACTIVE);
        assertThat(harness.definitions.isEmpty()).isTrue();

        // Nothing pending any more: later checks publish nothing.
        harness.driver.advanceWallClockTime(DELAY);
        assertThat(harness.definitions.isEmpty()).isTrue();
    }

    @Test
    void keys_beyond_ten_across_several_events_are_dropped_and_listed() {
        // 6 keys, then 3 new (9 tracked), then 3 new: only the first of those fits; then a tracked key and a new one.
        harness.send(event("c1", "e", 1, START, metadata(keys(0, 6))));
        harness.send(event("c1", "e", 2, START.plusSeconds(1), metadata(keys(6, 9))));
        harness.send(event("c1", "e", 3, START.plusSeconds(2), metadata(keys(9, 12))));
        harness.send(event("c1", "e", 4, START.plusSeconds(3), metadata("k0", "again", "k99", "new")));

        List<CleanEvent> clean = harness.clean.readValuesToList();
        assertThat(clean).hasSize(4);
        assertThat(clean.get(0).droppedMetadata()).isEmpty();
        assertThat(clean.get(1).droppedMetadata()).isEmpty();
        assertThat(clean.get(2).metadata().keySet()).containsExactly("k9");
        assertThat(clean.get(2).droppedMetadata()).containsExactly(
                new DroppedMetadata("k10", DroppedMetadata.KEY_QUOTA_EXCEEDED), new DroppedMetadata("k11", DroppedMetadata.KEY_QUOTA_EXCEEDED));
        assertThat(clean.get(3).metadata().keySet()).containsExactly("k0");
        assertThat(clean.get(3).droppedMetadata()).containsExactly(new DroppedMetadata("k99", DroppedMetadata.KEY_QUOTA_EXCEEDED));

        List<EventDefinition> defs = harness.definitions.readValuesToList();
        // Created, key added, key added; the fourth event changed nothing and published nothing.
        assertThat(defs).hasSize(3);
        EventDefinition last = defs.get(2);
        assertThat(last.metadata()).extracting(MetadataKey::key).containsExactly(IntStream.range(0, 10).mapToObj(i -> "k" + i).toArray(String[]::new));
        assertThat(last.metadata()).extracting(MetadataKey::status).containsExactly(
                "active", "active", "active", "active", "active", "active", "pending", "pending", "pending", "pending");
        assertThat(harness.metrics.count("dedupe.metadata.keys.dropped")).isEqualTo(3);
    }

    @Test
    void definitions_are_per_workspace_and_event_name_and_unchanged_events_publish_nothing() {
        harness.send(event("c1", "a", 1, START, metadata("x", 1)));
        harness.send(event("c2", "a", 2, START.plusSeconds(1), metadata("x", 2)));
        harness.send(event("c1", "b", 3, START.plusSeconds(2), metadata("y", "v")));

        assertThat(harness.definitions.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("ws1:a", "ws1:b");
    }

    @Test
    void a_key_keeps_the_type_of_its_first_value() {
        harness.send(event("c1", "e", 1, START, metadata("v", 1)));
        harness.send(event("c1", "e", 2, START.plusSeconds(1), metadata("v", "text")));

        assertThat(harness.clean.readValuesToList()).extracting(c -> c.metadata().get("v").type()).containsExactly("number", "string");
        assertThat(harness.definitions.readValuesToList()).singleElement()
                .satisfies(d -> assertThat(d.metadata().get(0).type()).isEqualTo("number"));
    }

    @Test
    void a_duplicate_does_not_touch_the_definition() {
        var first = event("c1", "e", 1, START, metadata("a", 1));
        harness.send(first);
        harness.send(event("c1", "e", 1, START.plusSeconds(1), metadata("a", 1, "b", 2)));

        assertThat(harness.definitions.readValuesToList()).singleElement()
                .satisfies(d -> assertThat(d.metadata()).extracting(MetadataKey::key).containsExactly("a"));
        assertThat(harness.duplicates.readValuesToList()).hasSize(1);
    }

    private static Object[] keys(int from, int to) {
        return IntStream.range(from, to).boxed().flatMap(i -> java.util.stream.Stream.of("k" + i, "v" + i)).toArray();
    }
}
