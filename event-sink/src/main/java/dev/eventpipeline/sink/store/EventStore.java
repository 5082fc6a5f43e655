package dev.eventpipeline.sink.store;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.EventDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one batch of events and definition changes in one database transaction, idempotently:
 * an event whose id is already stored changes nothing, and the summaries count only the events this
 * transaction really inserted. That is what makes a replay after a crash (database committed,
 * offsets not) harmless.
 */
public final class EventStore {

    private final Database database;
    private final String insertEvent;
    private final String upsertSummary;
    private final String upsertDefinition;
    private static final String DELETE_DEFINITION = "DELETE FROM event_definitions WHERE workspace_id = ? AND event_name = ?";

    public EventStore(Database database) {
        this.database = database;
        SqlDialect d = database.dialect();
        this.insertEvent = "INSERT INTO events (id, workspace_id, contact_id, contact_role, user_id, email, event_name,"
                + " created_at, metadata, dropped_metadata, received_at, request_id, intercom_version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + d.json() + ", " + d.json() + ", " + d.timestampParam() + ", ?, ?)"
                + " ON CONFLICT (id) DO NOTHING";
        this.upsertSummary = "INSERT INTO event_summaries (workspace_id, contact_id, event_name, event_count,"
                + " first_created_at, last_created_at) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (workspace_id, contact_id, event_name) DO UPDATE SET"
                + " event_count = event_summaries.event_count + excluded.event_count,"
                + " first_created_at = CASE WHEN excluded.first_created_at < event_summaries.first_created_at"
                + "   THEN excluded.first_created_at ELSE event_summaries.first_created_at END,"
                + " last_created_at = CASE WHEN excluded.last_created_at > event_summaries.last_created_at"
                + "   THEN excluded.last_created_at ELSE event_summaries.last_created_at END";
        // The WHERE keeps the newest definition when an older one is replayed after a newer one was stored.
        this.upsertDefinition = "INSERT INTO event_definitions (workspace_id, event_name, first_seen_at, updated_at, metadata)"
                + " VALUES (?, ?, " + d.timestampParam() + ", " + d.timestampParam() + ", " + d.json() + ")"
                + " ON CONFLICT (workspace_id, event_name) DO UPDATE SET first_seen_at = excluded.first_seen_at,"
                + " updated_at = excluded.updated_at, metadata = excluded.metadata"
                + " WHERE excluded.updated_at >= event_definitions.updated_at";
    }

    /** A definition record: the latest definition, or a tombstone ({@code definition == null}) that deletes it. */
    public record DefinitionChange(String workspaceId, String eventName, EventDefinition definition) {}

    /** What one batch changed. */
    public record WriteResult(int eventsInserted, int eventsAlreadyStored, int summariesUpdated, int definitionsWritten) {}

    /**
     * Writes the batch in one transaction and commits it. On any {@link SQLException} the
     * transaction is rolled back and nothing of the batch is stored; the caller retries the whole batch.
     */
    public WriteResult write(List<CleanEvent> events, List<DefinitionChange> definitions) throws SQLException {
        try (Connection c = database.connection()) {
            try {
                c.setAutoCommit(false);
                int[] inserted = insertEvents(c, events);
                int insertedCount = 0;
                Map<SummaryKey, Summary> summaries = new LinkedHashMap<>();
                for (int i = 0; i < events.size(); i++) {
                    if (rowInserted(inserted[i])) {
                        insertedCount++;
                        CleanEvent e = events.get(i);
                        summaries.merge(new SummaryKey(e.workspaceId(), e.contact().id(), e.eventName()),
                                new Summary(1, e.createdAt(), e.createdAt()), Summary::plus);
                    }
                }
                upsertSummaries(c, summaries);
                int definitionsWritten = writeDefinitions(c, definitions);
                c.commit();
                return new WriteResult(insertedCount, events.size() - insertedCount, summaries.size(), definitionsWritten);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    private int[] insertEvents(Connection c, List<CleanEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement ps = c.prepareStatement(insertEvent)) {
            for (CleanEvent e : events) {
                ps.setString(1, e.id());
                ps.setString(2, e.workspaceId());
                ps.setString(3, e.contact().id());
                ps.setString(4, e.contact().role());
                ps.setString(5, e.contact().userId());
                ps.setString(6, e.contact().email());
                ps.setString(7, e.eventName());
                ps.setLong(8, e.createdAt());
                ps.setString(9, Json.toString(e.metadata() == null ? Map.of() : e.metadata()));
                ps.setString(10, Json.toString(e.droppedMetadata() == null ? List.of() : e.droppedMetadata()));
                ps.setString(11, SqlDialect.timestamp(e.receivedAt()));
                ps.setString(12, e.requestId());
                ps.setString(13, e.intercomVersion());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            if (counts.length != events.size()) {
                throw new SQLException("driver returned " + counts.length + " update counts for " + events.size() + " rows");
            }
            return counts;
        }
    }

    /**
     * Both drivers report 1 for an inserted row and 0 for {@code DO NOTHING}; the summaries depend on
     * that, so an answer without the count ({@link Statement#SUCCESS_NO_INFO}, for example from
     * PostgreSQL's reWriteBatchedInserts) is refused rather than guessed.
     */
    private static boolean rowInserted(int count) throws SQLException {
        if (count == 1) {
            return true;
        }
        if (count == 0) {
            return false;
        }
        throw new SQLException("the JDBC driver did not report whether a row was inserted (update count " + count
                + "); do not set reWriteBatchedInserts on the sink's URL");
    }

    private void upsertSummaries(Connection c, Map<SummaryKey, Summary> summaries) throws SQLException {
        if (summaries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(upsertSummary)) {
            for (var entry : summaries.entrySet()) {
                ps.setString(1, entry.getKey().workspaceId());
                ps.setString(2, entry.getKey().contactId());
                ps.setString(3, entry.getKey().eventName());
                ps.setLong(4, entry.getValue().count());
                ps.setLong(5, entry.getValue().first());
                ps.setLong(6, entry.getValue().last());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private int writeDefinitions(Connection c, List<DefinitionChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return 0;
        }
        // One change per key reaches the database, chosen by the same rule as the upsert's WHERE: the newest
        // definition wins over an older one replayed after it; a tombstone deletes whatever came before it.
        Map<String, DefinitionChange> latest = new LinkedHashMap<>();
        for (DefinitionChange change : changes) {
            String key = change.workspaceId() + '\0' + change.eventName();
            DefinitionChange current = latest.get(key);
            if (current == null || current.definition() == null || change.definition() == null
                    || !change.definition().updatedAt().isBefore(current.definition().updatedAt())) {
                latest.put(key, change);
            }
        }
        try (PreparedStatement upsert = c.prepareStatement(upsertDefinition);
             PreparedStatement delete = c.prepareStatement(DELETE_DEFINITION)) {
            for (DefinitionChange change : latest.values()) {
                EventDefinition d = change.definition();
                if (d == null) {
                    delete.setString(1, change.workspaceId());
                    delete.setString(2, change.eventName());
                    delete.addBatch();
                } else {
                    upsert.setString(1, change.workspaceId());
                    upsert.setString(2, change.eventName());
                    String firstSeen = SqlDialect.timestamp(d.firstSeenAt());
                    if (firstSeen == null) {
                        upsert.setNull(3, Types.VARCHAR);
                    } else {
                        upsert.setString(3, firstSeen);
                    }
                    upsert.setString(4, SqlDialect.timestamp(d.updatedAt()));
                    upsert.setString(5, Json.toString(d.metadata() == null ? List.of() : d.metadata()));
                    upsert.addBatch();
                }
            }
            delete.executeBatch();
            upsert.executeBatch();
        }
        return latest.size();
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException rollbackFailure) {
            // The connection is likely broken (that is often why we are here); the pool discards it.
            cause.addSuppressed(rollbackFailure);
        }
    }

    private record SummaryKey(String workspaceId, String contactId, String eventName) {}

    private record Summary(long count, long first, long last) {
        Summary plus(Summary o) {
            return new Summary(count + o.count, Math.min(first, o.first), Math.max(last, o.last));
        }
    }
}
