package dev.eventpipeline.dedupe.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.records.TypedValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CleanEventWriterTest {

    @Test
    void writes_the_same_bytes_as_the_registry_serde() {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("CleanEventWriterTest seed " + seed);
        Random r = new Random(seed);
        CleanEventWriter writer = new CleanEventWriter();
        for (int i = 0; i < 5_000; i++) {
            RawEvent raw = WireSamples.randomEvent(r);
            Map<String, TypedValue> metadata = null;
            if (raw.metadata() != null) {
                metadata = new LinkedHashMap<>();
                for (var it = raw.metadata().fields(); it.hasNext(); ) {
                    var f = it.next();
                    metadata.put(f.getKey(), r.nextInt(20) == 0 ? null : new TypedValue(r.nextBoolean() ? "string" : null, f.getValue()));
                }
            }
            List<DroppedMetadata> dropped = r.nextInt(5) == 0 ? null : new ArrayList<>();
            if (dropped != null && r.nextBoolean()) {
                dropped.add(new DroppedMetadata("k\"" + r.nextInt(), DroppedMetadata.KEY_QUOTA_EXCEEDED));
            }
            CleanEvent clean = new CleanEvent(raw.contact() == null ? null : EventKeys.eventId(raw), raw.workspaceId(),
                    raw.eventName(), raw.createdAt(), raw.contact(), metadata, dropped,
                    r.nextInt(10) == 0 ? null : raw.receivedAt(), raw.requestId(), raw.intercomVersion());
            byte[] expected = Json.toBytes(clean);
            assertThat(new String(writer.serialize("t", clean), StandardCharsets.UTF_8)).as("seed %d", seed)
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        }
    }
}
