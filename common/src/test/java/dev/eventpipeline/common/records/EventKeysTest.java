package dev.eventpipeline.common.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventKeysTest {

    // Expected ids computed outside Java: python3 -c "import hashlib; print('ev_' +
    // hashlib.sha256(b'ws1\x00c1\x00invited-friend\x001671028894').hexdigest()[:32])"
    @Test
    void the_id_is_the_spec_hash_of_the_deduplication_key() {
        assertThat(EventKeys.eventId("ws1", "c1", "invited-friend", 1_671_028_894L)).isEqualTo("ev_a78a3a23aa6cd4d9fa2d1d927edf8e18");
        assertThat(EventKeys.eventId("w\u00e9", "c\u2603", "name", -5L)).isEqualTo("ev_e0f6112d35e2529b77bbcd970fef81c1");
    }

    @Test
    void the_id_bytes_are_the_first_16_bytes_of_the_same_hash() {
        RawEvent raw = new RawEvent(1, "r1", java.time.Instant.EPOCH, "ws1", "app", "2.10",
                new ContactRef("c1", ContactRef.ROLE_USER, null, null), "invited-friend", 1_671_028_894L, null);
        byte[] bytes = EventKeys.eventIdBytes(raw);
        assertThat(bytes).isEqualTo(java.util.HexFormat.of().parseHex("a78a3a23aa6cd4d9fa2d1d927edf8e18"));
        assertThat(EventKeys.eventId(bytes)).isEqualTo(EventKeys.eventId(raw)).isEqualTo("ev_a78a3a23aa6cd4d9fa2d1d927edf8e18");
    }

    @Test
    void a_definition_key_is_recognised_exactly_when_it_equals_the_built_one() {
        String[] parts = {"", "a", "ws", "ws:", ":", "a:b", "e", "ev", "\u00e9"};
        String[] keys = {null, "", ":", "ws:e", "ws:ev", "ws::e", "ws:", ":e", "a:b:e", "a:b:c", "ws:e:", "wse", "\u00e9:\u00e9", "a::"};
        int matches = 0;
        for (String workspace : parts) {
            for (String name : parts) {
                for (String key : keys) {
                    boolean expected = EventKeys.definitionKey(workspace, name).equals(key);
                    assertThat(EventKeys.isDefinitionKey(key, workspace, name)).as("%s / %s / %s", key, workspace, name).isEqualTo(expected);
                    matches += expected ? 1 : 0;
                }
                assertThat(EventKeys.isDefinitionKey(EventKeys.definitionKey(workspace, name), workspace, name)).isTrue();
            }
        }
        assertThat(matches).isGreaterThan(5);
    }

    @Test
    void ids_computed_on_many_threads_at_once_match_those_computed_on_one() throws Exception {
        int events = 20_000;
        String[] expected = new String[events];
        for (int i = 0; i < events; i++) {
            expected[i] = EventKeys.eventId("ws", "c" + i, "e" + (i % 7), i);
        }
        ConcurrentHashMap<Integer, String> actual = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < events; i++) {
                int n = i;
                pool.execute(() -> actual.put(n, EventKeys.eventId("ws", "c" + n, "e" + (n % 7), n)));
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        for (int i = 0; i < events; i++) {
            assertThat(actual.get(i)).as("event %d", i).isEqualTo(expected[i]);
        }
    }

    @org.junit.jupiter.api.Test
    void the_raw_events_key_is_the_event_id_and_is_checked_against_the_id_bytes() {
        RawEvent e = new RawEvent(1, "r", java.time.Instant.EPOCH, "ws", "app", "2.10",
                new ContactRef("c1", ContactRef.ROLE_USER, null, null), "e", 5, null);
        String key = EventKeys.rawEventKey(e);
        assertThat(key).isEqualTo(EventKeys.eventId("ws", "c1", "e", 5));
        byte[] bytes = EventKeys.eventIdBytes(e);
        assertThat(EventKeys.isEventId(key, bytes)).isTrue();
        assertThat(EventKeys.eventIdBytes(key)).isEqualTo(bytes);
        assertThat(EventKeys.isEventId(key.toUpperCase(java.util.Locale.ROOT).replace("EV_", "ev_"), bytes)).isFalse();
        assertThat(EventKeys.isEventId("ev_" + "0".repeat(32), bytes)).isFalse();
        assertThat(EventKeys.isEventId(key.substring(0, 34), bytes)).isFalse();
        assertThat(EventKeys.isEventId(null, bytes)).isFalse();
        assertThat(EventKeys.isEventId("ws:e", bytes)).isFalse();
    }
}
