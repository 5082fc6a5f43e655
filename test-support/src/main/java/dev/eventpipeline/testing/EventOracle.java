package dev.eventpipeline.testing;

import dev.eventpipeline.common.records.CleanEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeded input for store and sink tests and what the database must hold after it: one row per distinct event
 * id, and per contact and event name the count of distinct events with their smallest and largest
 * created_at. The seed is printed; set {@code -Dsink.test.seed=N} to replay a run.
 */
public final class EventOracle {

    private EventOracle() {}

    public static long seed() {
        String override = System.getProperty("sink.test.seed");
        long seed = override != null ? Long.parseLong(override) : System.nanoTime();
        System.out.println("sink test seed: " + seed + " (override with -Dsink.test.seed=" + seed + ")");
        return seed;
    }

    /** {@code n} records over 7 contacts and 3 event names, about one in five a copy of an earlier one. */
    public static List<CleanEvent> events(String workspace, int n, long seed) {
        Random random = new Random(seed);
        List<CleanEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!out.isEmpty() && random.nextInt(5) == 0) {
                out.add(out.get(random.nextInt(out.size())));
            } else {
                out.add(CleanEvents.event(workspace, "c" + random.nextInt(7), "e" + random.nextInt(3),
                        1_700_000_000L + random.nextInt(1_000_000)));
            }
        }
        return out;
    }

    public static long distinctIds(List<CleanEvent> events) {
        return events.stream().map(CleanEvent::id).distinct().count();
    }

    /** Rows of {@code contact_id, event_name, event_count, first_created_at, last_created_at}, sorted. */
    public static List<List<String>> summaries(List<CleanEvent> events) {
        Map<String, CleanEvent> distinct = new LinkedHashMap<>();
        events.forEach(e -> distinct.putIfAbsent(e.id(), e));
        Map<List<String>, long[]> acc = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        for (CleanEvent e : distinct.values()) {
            long[] s = acc.computeIfAbsent(List.of(e.contact().id(), e.eventName()), k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
            s[0]++;
            s[1] = Math.min(s[1], e.createdAt());
            s[2] = Math.max(s[2], e.createdAt());
        }
        List<List<String>> rows = new ArrayList<>();
        acc.forEach((k, s) -> rows.add(List.of(k.get(0), k.get(1), Long.toString(s[0]), Long.toString(s[1]), Long.toString(s[2]))));
        return rows;
    }

    /** The same rows as stored, sorted the same way. */
    public static List<List<String>> storedSummaries(TestDatabase db, String workspace) {
        List<List<String>> rows = new ArrayList<>(db.rows("SELECT contact_id, event_name, event_count, first_created_at,"
                + " last_created_at FROM event_summaries WHERE workspace_id = '" + workspace + "'"));
        rows.sort(Comparator.comparing((List<String> r) -> r.get(0)).thenComparing(r -> r.get(1)));
        return rows;
    }
}
