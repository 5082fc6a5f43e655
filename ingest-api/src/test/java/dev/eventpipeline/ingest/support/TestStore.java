package dev.eventpipeline.ingest.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.TypedValue;
import dev.eventpipeline.store.Database;
import dev.eventpipeline.store.EventStore;
import dev.eventpipeline.store.ReadPoolSettings;
import dev.eventpipeline.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sink's store on a fresh database, for the tests of GET /events: migrated and written by the real
 * {@link EventStore} exactly as event-sink writes it (rows of clean events), and read by the service
 * through a pool of {@link #readPool()}.
 */
public final class TestStore implements AutoCloseable {

    public final TestDatabase db;
    private final Database writer;
    private final EventStore store;

    public TestStore(TestDatabase.Kind kind) {
        db = TestDatabase.create(kind);
        writer = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5));
        writer.awaitAndMigrate(Duration.ofSeconds(60));
        store = new EventStore(writer);
    }

    /** What ingest-api's store.* keys would say for this database. */
    public ReadPoolSettings readPool() {
        return ReadPoolSettings.of(db.jdbcUrl());
    }

    /** One batch, as the sink writes a batch of clean-events: idempotent, summaries included. */
    public void write(List<CleanEvent> events) {
        try {
            store.write(events.stream().map(EventStore.EventRow::of).toList(), List.of());
        } catch (SQLException e) {
            throw new AssertionError("the store refused a batch", e);
        }
    }

    /**
     * The clean event dedupe-stream makes of an accepted request with this metadata (JSON as sent):
     * strings are {@code string}, numbers {@code number} (exact digits), {@code {amount,currency}} a
     * {@code monetary_amount}, {@code {url,value}} a {@code rich_link}.
     */
    public static CleanEvent event(String workspace, ContactRef contact, String eventName, long createdAt, String metadataAsSent) {
        Map<String, TypedValue> typed = new LinkedHashMap<>();
        try {
            Json.mapper().readTree(metadataAsSent).fields().forEachRemaining(e -> typed.put(e.getKey(), typed(e.getValue())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CleanEvent(EventKeys.eventId(workspace, contact.id(), eventName, createdAt), workspace, eventName, createdAt,
                contact, typed, List.of(), Instant.parse("2026-11-27T08:00:00.123Z"), UUID.randomUUID().toString(), "2.10");
    }

    private static TypedValue typed(JsonNode value) {
        if (value.isTextual()) {
            return new TypedValue("string", value);
        }
        if (value.isNumber()) {
            return new TypedValue("number", value);
        }
        if (value.has("amount")) {
            return new TypedValue("monetary_amount", value);
        }
        return new TypedValue("rich_link", value);
    }

    @Override
    public void close() throws Exception {
        writer.close();
        db.close();
    }
}
