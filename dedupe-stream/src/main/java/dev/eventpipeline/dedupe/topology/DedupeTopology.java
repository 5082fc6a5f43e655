package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.wire.CleanEventWriter;
import dev.eventpipeline.dedupe.wire.DuplicateEventWriter;
import dev.eventpipeline.dedupe.wire.RawEventReader;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The dedupe-stream topology, as a pure function of its settings:
 *
 * <pre>
 * raw-events ─▶ events (dedupe window, definitions) ─┬─▶ clean-events
 *                                                    ├─▶ duplicate-events
 *                                                    └─▶ event-definitions
 *   (unreadable or invalid records ─▶ dead-letter-events, through the exception handlers)
 * </pre>
 *
 * No repartition: {@code raw-events} is keyed {@code <workspace_id>:<event_name>}, so every copy of an
 * event and every event of one definition are already in one partition, hence one task.
 */
public final class DedupeTopology {

    public static final String SOURCE = "raw-events-source";
    public static final String PROCESSOR = "events";
    public static final String CLEAN_SINK = "clean-events-sink";
    public static final String DUPLICATE_SINK = "duplicate-events-sink";
    public static final String DEFINITION_SINK = "event-definitions-sink";
    /** Changelog: {@code <application.id>-dedupe-window-changelog}. */
    public static final String DEDUPE_STORE = "dedupe-window";
    /** Changelog: {@code <application.id>-event-definitions-store-changelog}. */
    public static final String DEFINITION_STORE = "event-definitions-store";

    private DedupeTopology() {}

    public static Topology build(TopologySettings settings) {
        String prefix = settings.topicPrefix();
        Topology topology = new Topology();
        // The raw-events reader and the clean- and duplicate-events writers produce exactly what the
        // registry's serdes do, faster (see their docs): reading and writing JSON were most of this stream's CPU.
        topology.addSource(SOURCE, Topics.RAW_EVENTS.keySerde().deserializer(), new RawEventReader(), Topics.RAW_EVENTS.name(prefix));
        topology.addProcessor(PROCESSOR, () -> new EventProcessor(settings), SOURCE);
        topology.addStateStore(dedupeStore(settings.dedupeWindow()), PROCESSOR);
        topology.addStateStore(definitionStore(), PROCESSOR);
        topology.addSink(CLEAN_SINK, Topics.CLEAN_EVENTS.name(prefix), Topics.CLEAN_EVENTS.keySerde().serializer(),
                new CleanEventWriter(), PROCESSOR);
        topology.addSink(DUPLICATE_SINK, Topics.DUPLICATE_EVENTS.name(prefix), Topics.DUPLICATE_EVENTS.keySerde().serializer(),
                new DuplicateEventWriter(), PROCESSOR);
        topology.addSink(DEFINITION_SINK, Topics.EVENT_DEFINITIONS.name(prefix), Topics.EVENT_DEFINITIONS.keySerde().serializer(),
                Topics.EVENT_DEFINITIONS.valueSerde().serializer(), PROCESSOR);
        return topology;
    }

    /**
     * The streams properties that route bad records to {@code dead-letter-events}: both exception
     * handlers, the topic and the metrics they count in. Every runner of the topology (service, tests,
     * benchmark) adds these.
     */
    public static Map<String, Object> errorHandling(TopologySettings settings) {
        return Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class,
                // No global store here; set so the handler's scope will not change under us when 5.0 makes it the default.
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true,
                DeadLetterHandlers.TOPIC_CONFIG, Topics.DEAD_LETTER_EVENTS.name(settings.topicPrefix()),
                DeadLetterHandlers.METRICS_CONFIG, settings.metrics());
    }

    private static StoreBuilder<WindowStore<Bytes, byte[]>> dedupeStore(Duration window) {
        // Window size W is the width of the time buckets entries are filed under (see DedupeWindow);
        // retention 3W covers the two buckets a lookup reads plus W of tolerated lateness.
        // No record cache: nearly every event id is seen once, so a cache would add a lookup and a copy per record
        // and save almost no changelog writes.
        return Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(DEDUPE_STORE, DedupeWindow.retention(window), window, false),
                        Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled();
    }

    private static StoreBuilder<KeyValueStore<String, EventDefinition>> definitionStore() {
        // No record cache: DefinitionTracker keeps the deserialised definitions itself, and writes are rare (on change only).
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEFINITION_STORE),
                        Topics.EVENT_DEFINITIONS.keySerde(), Topics.EVENT_DEFINITIONS.valueSerde())
                .withCachingDisabled();
    }
}
