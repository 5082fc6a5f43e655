package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The topology in a {@link TopologyTestDriver} with its input and output topics; wall clock starts at {@link #START}. */
final class TopologyHarness implements AutoCloseable {

    static final Instant START = Instant.parse("2026-11-27T08:00:00Z");
    static final String PREFIX = "t.";

    final DedupeMetrics metrics = DedupeMetrics.discarding();
    final TopologySettings settings;
    final TopologyTestDriver driver;
    final TestInputTopic<String, RawEvent> raw;
    final TestInputTopic<String, String> rawText;
    final TestOutputTopic<String, CleanEvent> clean;
    final TestOutputTopic<String, DuplicateEvent> duplicates;
    final TestOutputTopic<String, EventDefinition> definitions;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    final TestOutputTopic<String, String> cleanText;
    final TestOutputTopic<String, String> definitionsText;

    TopologyHarness(Duration window, Duration metadataDelay) {
        settings = new TopologySettings(PREFIX, "dedupe-test", window, metadataDelay, Duration.ofSeconds(1), metrics);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedupe-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, tempStateDir());
        // At least once here: under exactly-once the test driver drops what the deserialization handler sends
        // (it runs when a record is enqueued, outside the driver's transaction). The broker ITs run exactly-once.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.putAll(DedupeTopology.errorHandling(settings));
        driver = new TopologyTestDriver(DedupeTopology.build(settings), props, START);
        raw = driver.createInputTopic(Topics.RAW_EVENTS.name(PREFIX), Serdes.String().serializer(),
                Topics.RAW_EVENTS.valueSerde().serializer());
        rawText = driver.createInputTopic(Topics.RAW_EVENTS.name(PREFIX), Serdes.String().serializer(), Serdes.String().serializer());
        clean = driver.createOutputTopic(Topics.CLEAN_EVENTS.name(PREFIX), Serdes.String().deserializer(),
                Topics.CLEAN_EVENTS.valueSerde().deserializer());
        duplicates = driver.createOutputTopic(Topics.DUPLICATE_EVENTS.name(PREFIX), Serdes.String().deserializer(),
                Topics.DUPLICATE_EVENTS.valueSerde().deserializer());
        definitions = driver.createOutputTopic(Topics.EVENT_DEFINITIONS.name(PREFIX), Serdes.String().deserializer(),
                Topics.EVENT_DEFINITIONS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTER_EVENTS.name(PREFIX), Serdes.String().deserializer(),
                Topics.DEAD_LETTER_EVENTS.valueSerde().deserializer());
        cleanText = driver.createOutputTopic(Topics.CLEAN_EVENTS.name(PREFIX), Serdes.String().deserializer(),
                Serdes.String().deserializer());
        definitionsText = driver.createOutputTopic(Topics.EVENT_DEFINITIONS.name(PREFIX), Serdes.String().deserializer(),
                Serdes.String().deserializer());
    }

    /** Pipes {@code event} as ingest-api does: keyed by its event id, timestamped with its receive time. */
    void send(RawEvent event) {
        raw.pipeInput(EventKeys.rawEventKey(event), event, event.receivedAt());
    }

    /** Pipes {@code event} as ingest-api did before the event-id key: keyed by its definition. */
    void sendNameKeyed(RawEvent event) {
        raw.pipeInput(EventKeys.definitionKey(event.workspaceId(), event.eventName()), event, event.receivedAt());
    }

    private static String tempStateDir() {
        try {
            return java.nio.file.Files.createTempDirectory("dedupe-ttd-").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
