package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.wire.CleanEventWriter;
import dev.eventpipeline.dedupe.wire.DuplicateEventWriter;
import dev.eventpipeline.dedupe.wire.RawEventReader;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The dedupe-stream topology, as a pure function of its settings (docs/design.md, "Keys and partitioning"):
 *
 * <pre>
 *  raw-events (key: event id) ──┐
 *  raw-events-rekey ────────────┼─▶ events ──┬─▶ duplicate-events
 *  dedupe-seed ─▶ seeds ─┐      │  (window)  ├─▶ clean-events            decided from the task's copy
 *                        └──────┘            ├─▶ raw-events-rekey        records still keyed by event name
 *                                            └─▶ definition-requests ─▶ definitions ─┬─▶ clean-events
 *                                                 (key: definition)    (definitions) └─▶ event-definitions
 *  event-definitions ─▶ (global) definitions copy, read by every events task
 *   (unreadable or invalid records ─▶ dead-letter-events, through the exception handlers)
 * </pre>
 *
 * {@code raw-events} is keyed by event id, so every copy of an event meets in one task while one event
 * name spreads over all partitions. The metadata rules need one owner per definition: events whose keys
 * the task's copy of the definition already decides (all tracked, or the definition full) are written at
 * once; the others take one hop to the owner, keyed by definition. The three topics of the application's
 * own ({@code <application.id>-definition-requests}, {@code -raw-events-rekey}, {@code -dedupe-seed}) must
 * have as many partitions as {@code raw-events}: the re-key and seed topics are read by the same tasks as
 * raw-events (partition p with partition p), and the owner's store keeps the partitioning the name-keyed
 * topology gave it.
 */
public final class DedupeTopology {

    public static final String RAW_SOURCE = "raw-events-source";
    public static final String REKEY_SOURCE = "raw-events-rekey-source";
    public static final String SEED_SOURCE = "dedupe-seed-source";
    public static final String REQUESTS_SOURCE = "definition-requests-source";
    public static final String COPY_SOURCE = "event-definitions-copy-source";
    public static final String PROCESSOR = "events";
    public static final String SEEDS = "seeds";
    public static final String OWNER = "definitions";
    public static final String COPY_UPDATER = "event-definitions-copy";
    public static final String CLEAN_SINK = "clean-events-sink";
    public static final String OWNER_CLEAN_SINK = "owner-clean-events-sink";
    public static final String DUPLICATE_SINK = "duplicate-events-sink";
    public static final String REKEY_SINK = "raw-events-rekey-sink";
    public static final String DEFINITION_REQUESTS_SINK = "definition-requests-sink";
    public static final String DEFINITION_SINK = "event-definitions-sink";
    /** Changelog: {@code <application.id>-dedupe-by-event-changelog}. */
    public static final String DEDUPE_STORE = "dedupe-by-event";
    /**
     * The name-keyed topology's de-duplication store; no longer part of the topology, its changelog is
     * read once at the upgrade ({@code dedupe-seed}).
     */
    public static final String LEGACY_DEDUPE_STORE = "dedupe-window";
    /**
     * Changelog: {@code <application.id>-event-definitions-store-changelog}. The same name as in the
     * name-keyed topology on purpose: the owner tasks, keyed by definition like raw-events was, restore it as is.
     */
    public static final String DEFINITION_STORE = "event-definitions-store";
    /** The key of the record the upgrade writes last to partition 0 of the seed topic: the seeds before it are complete. */
    public static final String SEEDS_COMPLETE_MARKER = "__seeds-complete__";
    /** The global read-only copy of event-definitions (no changelog: the topic is its source). */
    public static final String DEFINITIONS_COPY = "event-definitions-copy";

    private DedupeTopology() {}

    public static Topology build(TopologySettings settings) {
        String prefix = settings.topicPrefix();
        RawEventReader rawEvents = new RawEventReader();
        Topology topology = new Topology();

        // De-duplication: partition p of raw-events, of the re-key topic and of the seeds, in one task.
        topology.addSource(RAW_SOURCE, new StringDeserializer(), rawEvents, Topics.RAW_EVENTS.name(prefix));
        topology.addSource(REKEY_SOURCE, new StringDeserializer(), rawEvents, settings.rekeyTopic());
        topology.addSource(SEED_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), settings.seedTopic());
        topology.addProcessor(PROCESSOR, () -> new EventProcessor(settings), RAW_SOURCE, REKEY_SOURCE);
        topology.addProcessor(SEEDS, () -> new SeedProcessor(settings), SEED_SOURCE);
        topology.addStateStore(dedupeStore(settings.dedupeWindow()), PROCESSOR, SEEDS);
        // The raw-events reader and the clean- and duplicate-events writers produce exactly what the
        // registry's serdes do, faster (see their docs): reading and writing JSON were most of this stream's CPU.
        topology.addSink(CLEAN_SINK, Topics.CLEAN_EVENTS.name(prefix), Topics.CLEAN_EVENTS.keySerde().serializer(),
                new CleanEventWriter(), PROCESSOR);
        topology.addSink(DUPLICATE_SINK, Topics.DUPLICATE_EVENTS.name(prefix), Topics.DUPLICATE_EVENTS.keySerde().serializer(),
                new DuplicateEventWriter(), PROCESSOR);
        topology.addSink(REKEY_SINK, settings.rekeyTopic(), Topics.RAW_EVENTS.keySerde().serializer(),
                Topics.RAW_EVENTS.valueSerde().serializer(), PROCESSOR);
        topology.addSink(DEFINITION_REQUESTS_SINK, settings.definitionRequestsTopic(), Topics.RAW_EVENTS.keySerde().serializer(),
                Topics.RAW_EVENTS.valueSerde().serializer(), PROCESSOR);

        // Definitions: one owner task per partition of definition-requests.
        topology.addSource(REQUESTS_SOURCE, new StringDeserializer(), rawEvents, settings.definitionRequestsTopic());
        topology.addProcessor(OWNER, () -> new DefinitionOwner(settings), REQUESTS_SOURCE);
        topology.addStateStore(definitionStore(), OWNER);
        // A sink of its own: a sink shared with the events processor would merge the two sub-topologies into one.
        topology.addSink(OWNER_CLEAN_SINK, Topics.CLEAN_EVENTS.name(prefix), Topics.CLEAN_EVENTS.keySerde().serializer(),
                new CleanEventWriter(), OWNER);
        topology.addSink(DEFINITION_SINK, Topics.EVENT_DEFINITIONS.name(prefix), Topics.EVENT_DEFINITIONS.keySerde().serializer(),
                Topics.EVENT_DEFINITIONS.valueSerde().serializer(), OWNER);

        // Every events task reads the definitions as published, a commit interval or so behind their owner.
        topology.addGlobalStore(definitionsCopy(), COPY_SOURCE, new StringDeserializer(),
                Topics.EVENT_DEFINITIONS.valueSerde().deserializer(), Topics.EVENT_DEFINITIONS.name(prefix), COPY_UPDATER,
                DefinitionCopyUpdater::new);
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
                // The global store is a copy of our own output; set so the handler's scope will not change under
                // us when 5.0 makes it the default.
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

    private static StoreBuilder<KeyValueStore<String, EventDefinition>> definitionsCopy() {
        // One definition per workspace and event name: small enough for memory on every instance, and
        // restored from the compacted topic at start. A global store must not log (the topic is its log).
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DEFINITIONS_COPY),
                        Topics.EVENT_DEFINITIONS.keySerde(), Topics.EVENT_DEFINITIONS.valueSerde())
                .withCachingDisabled()
                .withLoggingDisabled();
    }
}
