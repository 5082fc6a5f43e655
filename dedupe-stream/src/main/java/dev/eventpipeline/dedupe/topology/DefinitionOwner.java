package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The owner of the definitions of one partition of {@code definition-requests} (keyed by definition): the
 * only task that changes them. It receives first copies whose metadata a de-duplication task could not
 * decide from its copy of the definition, applies the rules in the order they arrive — so keys become
 * tracked in the order their first events reach the definition, never more than ten — writes the clean
 * event, and publishes every change; a wall-clock punctuator promotes pending keys.
 */
final class DefinitionOwner implements Processor<String, RawEvent, String, Object> {

    private final TopologySettings settings;
    private final DedupeMetrics metrics;
    private ProcessorContext<String, Object> context;
    private DefinitionTracker definitions;
    private String taskId;

    DefinitionOwner(TopologySettings settings) {
        this.settings = settings;
        this.metrics = settings.metrics();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.definitions = new DefinitionTracker(context.getStateStore(DedupeTopology.DEFINITION_STORE), settings.metadataDelay());
        this.taskId = context.taskId().toString();
        // Wall clock, not stream time: a key must turn active when the delay has passed even if no event comes.
        context.schedule(settings.metadataCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::promotePendingKeys);
    }

    @Override
    public void process(Record<String, RawEvent> record) {
        RawEvent raw = record.value();
        // The de-duplication task checked it; a record another writer put here must not touch a definition.
        RawEventCheck.requireValid(raw);
        if (!EventKeys.isDefinitionKey(record.key(), raw.workspaceId(), raw.eventName())) {
            throw new InvalidRawEventException("key '" + record.key() + "' is not the definition key '"
                    + EventKeys.definitionKey(raw.workspaceId(), raw.eventName()) + "'");
        }
        DefinitionTracker.Applied applied = definitions.apply(record.key(), raw);
        metrics.clean();
        if (!applied.dropped().isEmpty()) {
            metrics.droppedKeys(applied.dropped().size());
        }
        String id = EventKeys.eventId(raw);
        context.forward(record.withKey(EventKeys.contactKey(raw.workspaceId(), raw.contact().id()))
                .withValue(EventProcessor.cleanEvent(id, raw, applied)), DedupeTopology.OWNER_CLEAN_SINK);
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
