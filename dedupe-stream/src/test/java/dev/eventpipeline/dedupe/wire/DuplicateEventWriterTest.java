package dev.eventpipeline.dedupe.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.DuplicateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DuplicateEventWriterTest {

    @Test
    void writes_the_same_bytes_as_the_registry_serde() {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("DuplicateEventWriterTest seed " + seed);
        Random r = new Random(seed);
        DuplicateEventWriter writer = new DuplicateEventWriter();
        for (int i = 0; i < 5_000; i++) {
            DuplicateEvent d = new DuplicateEvent(
                    r.nextInt(20) == 0 ? null : "ev_" + Long.toHexString(r.nextLong()),
                    r.nextInt(20) == 0 ? null : r.nextBoolean() ? UUID.randomUUID().toString() : "req \"" + r.nextInt() + "\" \u00e9\u2603",
                    r.nextInt(20) == 0 ? null : Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000)),
                    r.nextInt(20) == 0 ? null : UUID.randomUUID().toString());
            assertThat(new String(writer.serialize("t", d), StandardCharsets.UTF_8)).as("seed %d", seed)
                    .isEqualTo(new String(Json.toBytes(d), StandardCharsets.UTF_8));
        }
        assertThat(writer.serialize("t", null)).isNull();
    }
}
