package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The de-duplication task of one {@code raw-events} partition (keyed by event id). One raw event in,
 * exactly one of: a duplicate (a later copy), a clean event decided from the task's copy of the
 * definition, a trip to the definition's owner (which then writes the clean event), or an
 * {@link InvalidRawEventException} that the processing exception handler turns into a dead letter.
 *
 * <p>A record still keyed {@code <workspace>:<event_name>} (written before the event-id key) is not in its
 * event's partition; it is only re-keyed here, and de-duplicated when it comes back from the re-key topic.
 */
final class EventProcessor implements Processor<String, RawEvent, String, Object> {

    private final TopologySettings settings;
    private final DedupeMetrics metrics;
    private ProcessorContext<String, Object> context;
    private DedupeWindow window;
    private DefinitionCopy definitions;

    EventProcessor(TopologySettings settings) {
        this.settings = settings;
        this.metrics = settings.metrics();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.window = new DedupeWindow(context.getStateStore(DedupeTopology.DEDUPE_STORE), settings.dedupeWindow());
        KeyValueStore<String, EventDefinition> copy = context.getStateStore(DedupeTopology.DEFINITIONS_COPY);
        this.definitions = new DefinitionCopy(copy);
    }

    @Override
    public void process(Record<String, RawEvent> record) {
        RawEvent raw = record.value();
        RawEventCheck.requireValid(raw);
        // The store key is the id's 16 bytes, not its hex text: half the key size in store and changelog.
        byte[] idBytes = EventKeys.eventIdBytes(raw);
        String key = record.key();
        if (!EventKeys.isEventId(key, idBytes)) {
            if (EventKeys.isDefinitionKey(key, raw.workspaceId(), raw.eventName())) {
                // The old key: its copies may sit in any partition. Counted as processed when it comes back.
                metrics.rekeyed();
                context.forward(record.withKey(EventKeys.eventId(idBytes)), DedupeTopology.REKEY_SINK);
                return;
            }
            throw new InvalidRawEventException("key '" + key + "' is not the event id '" + EventKeys.eventId(idBytes)
                    + "': copies of this event could be on another partition");
        }
        metrics.processed();
        String contactKey = EventKeys.contactKey(raw.workspaceId(), raw.contact().id());
        long streamTime = context.currentStreamTimeMs();
        long receivedAt = window.receiveTime(record.timestamp(), streamTime);
        String firstRequestId = window.observe(Bytes.wrap(idBytes), receivedAt, raw.requestId(), streamTime);
        if (firstRequestId != null) {
            metrics.duplicate();
            context.forward(record.withKey(contactKey).withValue(
                    new DuplicateEvent(key, raw.requestId(), raw.receivedAt(), firstRequestId)), DedupeTopology.DUPLICATE_SINK);
            return;
        }
        String definitionKey = EventKeys.definitionKey(raw.workspaceId(), raw.eventName());
        DefinitionTracker.Applied applied = definitions.decide(definitionKey, raw);
        if (applied == null) {
            // It may change its definition: the owner task decides, in the order events reach it.
            metrics.ownerTrip();
            context.forward(record.withKey(definitionKey), DedupeTopology.DEFINITION_REQUESTS_SINK);
            return;
        }
        metrics.clean();
        if (!applied.dropped().isEmpty()) {
            metrics.droppedKeys(applied.dropped().size());
        }
        context.forward(record.withKey(contactKey).withValue(cleanEvent(key, raw, applied)), DedupeTopology.CLEAN_SINK);
    }

    static CleanEvent cleanEvent(String id, RawEvent raw, DefinitionTracker.Applied applied) {
        return new CleanEvent(id, raw.workspaceId(), raw.eventName(), raw.createdAt(), raw.contact(), applied.metadata(),
                applied.dropped(), raw.receivedAt(), raw.requestId(), raw.intercomVersion());
    }

    @Override
    public void close() {
        if (definitions != null) {
            definitions.forget();
        }
    }
}
