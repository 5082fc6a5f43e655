package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.wire.CleanEventWriter;
import dev.eventpipeline.dedupe.wire.DuplicateEventWriter;
import dev.eventpipeline.dedupe.wire.RawEventReader;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;

/**
 * The released topology that keyed raw-events by {@code <workspace>:<event_name>}, frozen here (from commit
 * 1ab89ae) so the upgrade test runs the real previous version: one processor that de-duplicates in the
 * {@code dedupe-window} store and applies the metadata rules in {@code event-definitions-store}, both in the
 * task of the event's name. Test code only; not part of the service.
 */
public final class NameKeyedTopology {

    private NameKeyedTopology() {}

    public static Topology build(TopologySettings settings) {
        String prefix = settings.topicPrefix();
        Topology topology = new Topology();
        topology.addSource("raw-events-source", Topics.RAW_EVENTS.keySerde().deserializer(), new RawEventReader(), Topics.RAW_EVENTS.name(prefix));
        topology.addProcessor("events", () -> new V1Processor(settings), "raw-events-source");
        topology.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(DedupeTopology.LEGACY_DEDUPE_STORE,
                        DedupeWindow.retention(settings.dedupeWindow()), settings.dedupeWindow(), false), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled(), "events");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DedupeTopology.DEFINITION_STORE),
                Topics.EVENT_DEFINITIONS.keySerde(), Topics.EVENT_DEFINITIONS.valueSerde()).withCachingDisabled(), "events");
        topology.addSink("clean-events-sink", Topics.CLEAN_EVENTS.name(prefix), Topics.CLEAN_EVENTS.keySerde().serializer(),
                new CleanEventWriter(), "events");
        topology.addSink("duplicate-events-sink", Topics.DUPLICATE_EVENTS.name(prefix), Topics.DUPLICATE_EVENTS.keySerde().serializer(),
                new DuplicateEventWriter(), "events");
        topology.addSink("event-definitions-sink", Topics.EVENT_DEFINITIONS.name(prefix), Topics.EVENT_DEFINITIONS.keySerde().serializer(),
                Topics.EVENT_DEFINITIONS.valueSerde().serializer(), "events");
        return topology;
    }

    private static final class V1Processor implements Processor<String, RawEvent, String, Object> {
        private final TopologySettings settings;
        private ProcessorContext<String, Object> context;
        private DedupeWindow window;
        private DefinitionTracker definitions;

        V1Processor(TopologySettings settings) {
            this.settings = settings;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.window = new DedupeWindow(context.getStateStore(DedupeTopology.LEGACY_DEDUPE_STORE), settings.dedupeWindow());
            this.definitions = new DefinitionTracker(context.getStateStore(DedupeTopology.DEFINITION_STORE), settings.metadataDelay());
            context.schedule(settings.metadataCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
                for (EventDefinition changed : definitions.promotePendingKeys(now)) {
                    publish(changed, now);
                }
            });
        }

        @Override
        public void process(Record<String, RawEvent> record) {
            RawEvent raw = record.value();
            RawEventCheck.requireValid(raw);
            if (!EventKeys.isDefinitionKey(record.key(), raw.workspaceId(), raw.eventName())) {
                throw new InvalidRawEventException("key is not the definition key");
            }
            byte[] idBytes = EventKeys.eventIdBytes(raw);
            String id = EventKeys.eventId(idBytes);
            String contactKey = EventKeys.contactKey(raw.workspaceId(), raw.contact().id());
            long streamTime = context.currentStreamTimeMs();
            long receivedAt = window.receiveTime(record.timestamp(), streamTime);
            String firstRequestId = window.observe(Bytes.wrap(idBytes), receivedAt, raw.requestId(), streamTime);
            if (firstRequestId != null) {
                context.forward(record.withKey(contactKey).withValue(
                        new DuplicateEvent(id, raw.requestId(), raw.receivedAt(), firstRequestId)), "duplicate-events-sink");
                return;
            }
            DefinitionTracker.Applied applied = definitions.apply(record.key(), raw);
            context.forward(record.withKey(contactKey).withValue(new CleanEvent(id, raw.workspaceId(), raw.eventName(),
                    raw.createdAt(), raw.contact(), applied.metadata(), applied.dropped(), raw.receivedAt(), raw.requestId(),
                    raw.intercomVersion())), "clean-events-sink");
            if (applied.changedDefinition() != null) {
                publish(applied.changedDefinition(), record.timestamp());
            }
        }

        private void publish(EventDefinition definition, long timestamp) {
            context.forward(new Record<String, Object>(EventKeys.definitionKey(definition.workspaceId(), definition.eventName()),
                    definition, timestamp), "event-definitions-sink");
        }
    }
}
