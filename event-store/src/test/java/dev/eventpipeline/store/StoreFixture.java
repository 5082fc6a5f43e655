package dev.eventpipeline.store;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.store.EventStore.EventRow;
import dev.eventpipeline.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One test's store on a fresh database: the sink's writer (migrated, as the sink starts) with its
 * {@link EventStore}, and a read pool with {@link EventQueries} on the same URL, as ingest-api opens it.
 */
final class StoreFixture implements AutoCloseable {

    final TestDatabase db;
    final Database writer;
    final EventStore store;
    final Database reads;
    final EventQueries queries;

    StoreFixture(TestDatabase.Kind kind) {
        this(kind, settings -> settings);
    }

    StoreFixture(TestDatabase.Kind kind, UnaryOperator<ReadPoolSettings> readSettings) {
        db = TestDatabase.create(kind);
        writer = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5));
        writer.awaitAndMigrate(Duration.ofSeconds(30));
        store = new EventStore(writer);
        reads = Database.openForReads(readSettings.apply(ReadPoolSettings.of(db.jdbcUrl())));
        queries = new EventQueries(reads);
    }

    /** Writes the events as the sink does: one idempotent batch. */
    EventStore.WriteResult write(List<CleanEvent> events) throws SQLException {
        return store.write(events.stream().map(EventRow::of).toList(), List.of());
    }

    @Override
    public void close() throws Exception {
        reads.close();
        writer.close();
        db.close();
    }
}
