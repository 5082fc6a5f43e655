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
}
