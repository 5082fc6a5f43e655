package dev.eventpipeline.bench.dedupe;

import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Topologies the benchmark prints for orientation only; neither is part of the pipeline. */
final class ReferenceTopologies {

    private ReferenceTopologies() {}

    /** Reads raw events with the registry's serde and writes them back unchanged: the cost of the JSON alone. */
    static Topology jsonPassThrough(String prefix) {
        Topology t = new Topology();
        t.addSource("in", Serdes.String().deserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(), Topics.RAW_EVENTS.name(prefix));
        t.addSink("out", prefix + "passthrough-out", Serdes.String().serializer(), Topics.RAW_EVENTS.valueSerde().serializer(), "in");
        return t;
    }

    /**
     * The textbook recipe (as in Confluent's de-duplication example): a window store of event ids with
     * retention W, looked up with a range fetch of W/2 either side of the record time, caching on.
     */
    static Topology naiveWindowStoreDedupe(String prefix, Duration window) {
        String store = "naive-ids";
        long half = window.toMillis() / 2;
        Topology t = new Topology();
        t.addSource("in", Serdes.String().deserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(), Topics.RAW_EVENTS.name(prefix));
        t.addProcessor("dedupe", () -> new Processor<String, RawEvent, String, RawEvent>() {
            private ProcessorContext<String, RawEvent> context;
            private WindowStore<String, Long> ids;

            @Override
            public void init(ProcessorContext<String, RawEvent> context) {
                this.context = context;
                this.ids = context.getStateStore(store);
            }

            @Override
            public void process(Record<String, RawEvent> record) {
                String id = EventKeys.eventId(record.value());
                long time = record.timestamp();
                boolean seen;
                try (WindowStoreIterator<Long> it = ids.fetch(id, time - half, time + half)) {
                    seen = it.hasNext();
                }
                ids.put(id, time, time);
                if (!seen) {
                    context.forward(record);
                }
            }
        }, "in");
        t.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(store, window, window, false),
                Serdes.String(), Serdes.Long()), "dedupe");
        t.addSink("out", prefix + "passthrough-out", Serdes.String().serializer(), Topics.RAW_EVENTS.valueSerde().serializer(), "dedupe");
        return t;
    }
}
