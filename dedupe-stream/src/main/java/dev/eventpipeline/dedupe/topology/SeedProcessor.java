package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Takes over the de-duplication memory of the name-keyed topology at the upgrade (docs/dedupe-stream.md,
 * "Upgrading from the name-keyed topology"): each seed is an entry of the old store, re-keyed by event id
 * so it reaches the task that now owns that event, and is remembered as if its copy had been seen here.
 * Seeds carry timestamp 0, so a task processes them before any raw event (Kafka Streams picks the lowest
 * timestamp among a task's inputs and waits for inputs it knows to hold data); nothing is written out.
 */
final class SeedProcessor implements Processor<String, byte[], Void, Void> {

    private final TopologySettings settings;
    private DedupeWindow window;
    private ProcessorContext<Void, Void> context;
    private final DedupeMetrics metrics;

    SeedProcessor(TopologySettings settings) {
        this.settings = settings;
        this.metrics = settings.metrics();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.window = new DedupeWindow(context.getStateStore(DedupeTopology.DEDUPE_STORE), settings.dedupeWindow());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        byte[] entry = record.value();
        if (DedupeTopology.SEEDS_COMPLETE_MARKER.equals(record.key()) || entry == null) {
            return;
        }
        if (entry.length < Long.BYTES + 1) {
            throw new InvalidRawEventException("a seed must hold an entry of the de-duplication memory, got " + entry.length + " bytes");
        }
        byte[] id;
        try {
            id = EventKeys.eventIdBytes(record.key());
        } catch (IllegalArgumentException e) {
            throw new InvalidRawEventException("a seed must be keyed by an event id: " + e.getMessage());
        }
        long lastSeen = ByteBuffer.wrap(entry).getLong();
        // Remembered like a copy received at lastSeen whose first request was the old first request.
        window.observe(Bytes.wrap(id), lastSeen, DedupeWindow.firstRequestId(entry), context.currentStreamTimeMs());
        metrics.seeded();
    }
}
