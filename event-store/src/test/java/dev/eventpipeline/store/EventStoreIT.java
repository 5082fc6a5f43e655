package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.store.EventStore.EventRow;
import dev.eventpipeline.store.EventStore.WriteResult;
import dev.eventpipeline.testing.EventOracle;
import dev.eventpipeline.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store's transaction on its own: which rows are new, and the summaries of exactly those. */
class EventStoreIT {

    private static List<EventRow> rows(List<CleanEvent> events) {
        return events.stream().map(EventRow::of).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void counts_and_summarises_exactly_the_new_rows_across_replays_and_copies_within_a_batch(TestDatabase.Kind kind) throws Exception {
        long seed = EventOracle.seed();
        List<CleanEvent> all = EventOracle.events("w", 600, seed); // about one in five a copy of an earlier event
        try (TestDatabase db = TestDatabase.create(kind);
             Database database = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5))) {
            database.awaitAndMigrate(Duration.ofSeconds(30));
            EventStore store = new EventStore(database);
            Set<String> stored = new HashSet<>();
            List<CleanEvent> written = new ArrayList<>();
            // Overlapping batches: each replays the last 50 events of the one before, as after a crash.
            for (int from = 0; from < all.size(); from += 150) {
                List<CleanEvent> batch = all.subList(Math.max(0, from - 50), Math.min(all.size(), from + 150));
                int expectedNew = 0;
                Set<String> newKeys = new HashSet<>();
                for (CleanEvent e : batch) {
                    if (stored.add(e.id())) {
                        expectedNew++;
                        newKeys.add(e.contact().id() + "\0" + e.eventName());
                    }
                }
                WriteResult result = store.write(rows(batch), List.of());
                written.addAll(batch);
                assertThat(result.eventsInserted()).as("new rows (seed %d)", seed).isEqualTo(expectedNew);
                assertThat(result.eventsAlreadyStored()).isEqualTo(batch.size() - expectedNew);
                assertThat(result.summariesUpdated()).as("summary rows touched (seed %d)", seed).isEqualTo(newKeys.size());
                assertThat(EventOracle.storedSummaries(db, "w")).as("seed %d", seed).isEqualTo(EventOracle.summaries(written));
            }
            assertThat(db.count("events")).isEqualTo(EventOracle.distinctIds(all));

            // The whole input once more: nothing new, nothing counted twice.
            WriteResult replay = store.write(rows(all), List.of());
            assertThat(replay.eventsInserted()).isZero();
            assertThat(replay.summariesUpdated()).isZero();
            assertThat(EventOracle.storedSummaries(db, "w")).isEqualTo(EventOracle.summaries(all));
        }
    }
}
