package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.EventDefinition;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global copy of the definitions equal to the compacted {@code event-definitions} topic; a tombstone deletes. */
final class DefinitionCopyUpdater implements Processor<String, EventDefinition, Void, Void> {

    private KeyValueStore<String, EventDefinition> copy;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.copy = context.getStateStore(DedupeTopology.DEFINITIONS_COPY);
    }

    @Override
    public void process(Record<String, EventDefinition> record) {
        if (record.key() == null) {
            return; // not a definition: nothing to copy (the sink dead-letters such records)
        }
        if (record.value() == null) {
            copy.delete(record.key());
        } else {
            copy.put(record.key(), record.value());
        }
    }
}
