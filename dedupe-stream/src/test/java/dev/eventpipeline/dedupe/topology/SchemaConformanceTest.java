package dev.eventpipeline.dedupe.topology;

import static dev.eventpipeline.dedupe.topology.RawEvents.event;
import static dev.eventpipeline.dedupe.topology.RawEvents.metadata;
import static dev.eventpipeline.dedupe.topology.TopologyHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.topics.Topic;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.JsonSchemas;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Everything the topology writes, in every shape it can take, matches the topic's JSON Schema. */
class SchemaConformanceTest {

    private static final Duration DELAY = Duration.ofMinutes(5);

    private final TopologyHarness harness = new TopologyHarness(Duration.ofDays(7), DELAY);

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void every_record_written_matches_its_topic_schema() {
        // Every metadata type, a quota overflow, a pending key and its promotion, a duplicate, both kinds of dead letter.
        harness.send(event("c1", "all-types", 1, START, metadata(
                "s", "text", "n", 3.67, "i", 7, "signup_date", 1392036272, "site", "https://example.org/x",
                "order", Map.of("url", "https://example.org/o/1", "value", "the order"),
                "price", Map.of("amount", 34999, "currency", "EUR"), "gone", null)));
        harness.send(event("c1", "quota", 2, START.plusSeconds(1),
                metadata(IntStream.range(0, 8).boxed().flatMap(i -> java.util.stream.Stream.of("k" + i, i)).toArray())));
        harness.send(event("c2", "quota", 3, START.plusSeconds(2), metadata("late1", "a", "late2", "b", "over", "c")));
        harness.send(event("c2", "quota", 3, START.plusSeconds(3), metadata("late1", "a")));
        harness.driver.advanceWallClockTime(DELAY.plusSeconds(10));
        harness.rawText.pipeInput("ws1:x", "{broken", START.plusSeconds(4));
        harness.rawText.pipeInput("ws1:x", Json.toString(event("", "x", 1, START)), START.plusSeconds(5));

        assertAllValid(Topics.CLEAN_EVENTS, harness.cleanText, 3);
        assertAllValid(Topics.EVENT_DEFINITIONS, harness.definitionsText, 4);
        assertAllValid(Topics.DUPLICATE_EVENTS, text(Topics.DUPLICATE_EVENTS), 1);
        assertAllValid(Topics.DEAD_LETTER_EVENTS, text(Topics.DEAD_LETTER_EVENTS), 2);
    }

    private TestOutputTopic<String, String> text(Topic<?, ?> topic) {
        return harness.driver.createOutputTopic(topic.name(TopologyHarness.PREFIX), Serdes.String().deserializer(),
                Serdes.String().deserializer());
    }

    private static void assertAllValid(Topic<?, ?> topic, TestOutputTopic<String, String> output, int expected) {
        List<String> values = output.readValuesToList();
        assertThat(values).as(topic.baseName()).hasSize(expected);
        values.forEach(v -> JsonSchemas.assertValid(topic, v));
    }
}
