package dev.eventpipeline.dedupe.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.json.CanonicalInstants;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawEventReaderTest {

    private final Deserializer<RawEvent> registry = Topics.RAW_EVENTS.valueSerde().deserializer();
    private final RawEventReader reader = new RawEventReader();

    @Test
    void reads_every_canonical_event_on_the_fast_path_exactly_as_the_registry_serde() {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("RawEventReaderTest seed " + seed);
        Random r = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = Json.toBytes(WireSamples.randomEvent(r));
            RawEvent expected = registry.deserialize("t", bytes);
            assertThat(RawEventReader.readCanonical(bytes)).as("seed %d, %s", seed, new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"v\":\"1\",\"request_id\":\"r\"}",
            "{\"v\":1,\"created_at\":\"123\"}",
            "{\"v\":1,\"created_at\":1.5}",
            "{\"v\":1,\"created_at\":null}",
            "{\"v\":1,\"request_id\":5}",
            "{\"v\":1,\"received_at\":1700000000}",
            "{\"v\":1,\"received_at\":\"2026-11-27T08:00:00+01:00\"}",
            "{\"v\":1,\"received_at\":\"2026-11-27T08:00:00.1234567891Z\"}",
            "{\"v\":1,\"received_at\":\"2026-02-30T08:00:00Z\"}",
            "{\"v\":1,\"contact\":{\"id\":\"c\",\"id\":\"d\"}}",
            "{\"v\":1,\"contact\":{\"id\":\"c\",\"x\":1,\"x\":2}}",
            "{\"v\":1,\"contact\":\"c\"}",
            "{\"v\":1,\"metadata\":{\"a\":1,\"a\":2}}",
            "{\"v\":1,\"metadata\":{\"a\":{\"b\":1,\"b\":1}}}",
            "{\"v\":1,\"metadata\":[1]}",
            "{\"v\":1,\"metadata\":{\"big\":123456789012345678901234567890}}",
            "{\"v\":1,\"ignored_metadata_keys\":[\"a\",1]}",
            "{\"v\":1,\"ignored_metadata_keys\":\"a\"}",
            "{\"v\":1,\"ignored_metadata_keys\":null}",
            "{\"v\":1,\"ignored_metadata_keys\":[\"a\"],\"ignored_metadata_keys\":[]}",
            "{\"v\":1,\"v\":1}",
            "{\"v\":1,\"other\":1,\"other\":2}",
            "{\"v\":1} {}",
            "{\"v\":1",
            "[1,2]",
            "\"text\"",
            "{not json",
            "",
    })
    void anything_else_gives_the_registry_serde_result_or_its_error(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        RawEvent expected;
        try {
            expected = registry.deserialize("t", bytes);
        } catch (SerializationException e) {
            assertThatThrownBy(() -> reader.deserialize("t", bytes)).isInstanceOf(SerializationException.class);
            return;
        }
        assertThat(reader.deserialize("t", bytes)).isEqualTo(expected);
    }

    @Test
    void canonical_instants_parse_like_iso_instant_and_others_are_left_to_it() {
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            java.time.Instant t = java.time.Instant.ofEpochSecond(r.nextInt(Integer.MAX_VALUE) * 2L, r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000));
            String text = java.time.format.DateTimeFormatter.ISO_INSTANT.format(t);
            assertThat(CanonicalInstants.format(t)).isEqualTo(text);
            assertThat(CanonicalInstants.parseCanonical(text)).isEqualTo(t);
        }
        assertThat(CanonicalInstants.parseCanonical("2026-11-27T08:00:00.5Z")).isEqualTo(java.time.Instant.parse("2026-11-27T08:00:00.5Z"));
        assertThat(CanonicalInstants.parseCanonical("2026-11-27T24:00:00Z")).isNull();
        assertThat(CanonicalInstants.parseCanonical("2026-11-27 08:00:00Z")).isNull();
    }
}
