package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One raw event in, exactly one of: a clean event (first copy), a duplicate (later copy), or an
 * {@link InvalidRawEventException} that the processing exception handler turns into a dead letter.
 * A clean event may also publish its changed definition; a wall-clock punctuator publishes promotions.
 */
final class EventProcessor implements Processor<String, RawEvent, String, Object> {

    private final TopologySettings settings;
    private final DedupeMetrics metrics;
    private ProcessorContext<String, Object> context;
    private DedupeWindow window;
    private DefinitionTracker definitions;
    private String taskId;

    EventProcessor(TopologySettings settings) {
        this.settings = settings;
        this.metrics = settings.metrics();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.window = new DedupeWindow(context.getStateStore(DedupeTopology.DEDUPE_STORE), settings.dedupeWindow());
        this.definitions = new DefinitionTracker(context.getStateStore(DedupeTopology.DEFINITION_STORE), settings.metadataDelay());
        this.taskId = context.taskId().toString();
        // Wall clock, not stream time: a key must turn active when the delay has passed even if no event comes.
        context.schedule(settings.metadataCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::promotePendingKeys);
    }

    @Override
    public void process(Record<String, RawEvent> record) {
        metrics.processed();
        RawEvent raw = record.value();
        RawEventCheck.requireValid(record.key(), raw);
        // The store key is the id's 16 bytes, not its hex text: half the key size in store and changelog.
        byte[] idBytes = EventKeys.eventIdBytes(raw);
        String id = EventKeys.eventId(idBytes);
        String contactKey = EventKeys.contactKey(raw.workspaceId(), raw.contact().id());
        long streamTime = context.currentStreamTimeMs();
        long receivedAt = window.receiveTime(record.timestamp(), streamTime);
        String firstRequestId = window.observe(Bytes.wrap(idBytes), receivedAt, raw.requestId(), streamTime);
        if (firstRequestId != null) {
            metrics.duplicate();
            context.forward(record.withKey(contactKey).withValue(
                    new DuplicateEvent(id, raw.requestId(), raw.receivedAt(), firstRequestId)), DedupeTopology.DUPLICATE_SINK);
            return;
        }
        // The key was checked to be the definition key: no need to build it again.
        DefinitionTracker.Applied applied = definitions.apply(record.key(), raw);
        metrics.clean();
        if (!applied.dropped().isEmpty()) {
            metrics.droppedKeys(applied.dropped().size());
        }
        context.forward(record.withKey(contactKey).withValue(new CleanEvent(id, raw.workspaceId(), raw.eventName(),
                raw.createdAt(), raw.contact(), applied.metadata(), applied.dropped(), raw.receivedAt(), raw.requestId(),
                raw.intercomVersion())), DedupeTopology.CLEAN_SINK);
        if (applied.changedDefinition() != null) {
            publish(applied.changedDefinition(), record.timestamp());
        }
    }

    private void promotePendingKeys(long now) {
        for (EventDefinition changed : definitions.promotePendingKeys(now)) {
            publish(changed, now);
        }
        metrics.pendingKeys(taskId, definitions.pendingKeys());
    }

    private void publish(EventDefinition definition, long timestamp) {
        metrics.definitionPublished();
        context.forward(new Record<String, Object>(EventKeys.definitionKey(definition.workspaceId(), definition.eventName()),
                definition, timestamp), DedupeTopology.DEFINITION_SINK);
    }

    @Override
    public void close() {
        if (taskId != null) {
            metrics.taskClosed(taskId);
        }
        if (definitions != null) {
            definitions.forgetMirror();
        }
    }
}
