package dev.eventpipeline.sink.store;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.EventDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one batch of events and definition changes in one database transaction, idempotently:
 * an event whose id is already stored changes nothing, and the summaries count only the events this
 * transaction really inserted. That is what makes a replay after a crash (database committed,
 * offsets not) harmless.
 */
public final class EventStore {

    private final Database database;
    private final String eventRow;
    private static final String INSERT_EVENT_HEAD = "INSERT INTO events (id, workspace_id, contact_id, contact_role, user_id,"
            + " email, event_name, created_at, metadata, dropped_metadata, received_at, request_id, intercom_version) VALUES ";
    private static final String INSERT_EVENT_TAIL = " ON CONFLICT (id) DO NOTHING RETURNING id";
    /** 13 parameters a row: 1000 rows are 13000, below both databases' limits (SQLite 32766, PostgreSQL 32767). */
    private static final int EVENT_ROWS_PER_STATEMENT = 1000;
    private final String upsertSummaryConflict;
    private static final String UPSERT_SUMMARY_HEAD = "INSERT INTO event_summaries (workspace_id, contact_id, event_name,"
            + " event_count, first_created_at, last_created_at) VALUES ";
    private static final String SUMMARY_ROW = "(?, ?, ?, ?, ?, ?)";
    /**
     * Summary rows per upsert statement. One multi-row statement instead of one statement per row
     * roughly halves what the summaries cost on PostgreSQL (per-statement work dominates there);
     * 500 rows are 3000 parameters, far below both databases' limits (SQLite 32766, PostgreSQL 32767).
     */
    private static final int SUMMARY_ROWS_PER_STATEMENT = 500;
    private final String upsertDefinition;
    private static final String DELETE_DEFINITION = "DELETE FROM event_definitions WHERE workspace_id = ? AND event_name = ?";

    public EventStore(Database database) {
        this.database = database;
        SqlDialect d = database.dialect();
        this.eventRow = "(?, ?, ?, ?, ?, ?, ?, ?, " + d.json() + ", " + d.json() + ", " + d.timestampParam() + ", ?, ?)";
        this.upsertSummaryConflict = " ON CONFLICT (workspace_id, contact_id, event_name) DO UPDATE SET"
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

    /**
     * An event ready to bind, its JSON and timestamp already rendered: built on the consumer thread
     * while the previous batch is written, so the transaction spends no time on them.
     */
    public record EventRow(CleanEvent event, String metadataJson, String droppedMetadataJson, String receivedAt) {
        public static EventRow of(CleanEvent e) {
            return new EventRow(e,
                    Json.toString(e.metadata() == null ? Map.of() : e.metadata()),
                    Json.toString(e.droppedMetadata() == null ? List.of() : e.droppedMetadata()),
                    SqlDialect.timestamp(e.receivedAt()));
        }
    }

    /** What one batch changed. */
    public record WriteResult(int eventsInserted, int eventsAlreadyStored, int summariesUpdated, int definitionsWritten) {}

    /**
     * Writes the batch in one transaction and commits it. On any {@link SQLException} the
     * transaction is rolled back and nothing of the batch is stored; the caller retries the whole batch.
     */
    public WriteResult write(List<EventRow> events, List<DefinitionChange> definitions) throws SQLException {
        try (Connection c = database.connection()) {
            try {
                c.setAutoCommit(false);
                boolean[] inserted = insertEvents(c, events);
                int insertedCount = 0;
                Map<SummaryKey, Summary> summaries = new LinkedHashMap<>();
                for (int i = 0; i < events.size(); i++) {
                    if (inserted[i]) {
                        insertedCount++;
                        CleanEvent e = events.get(i).event();
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

    /**
     * Inserts the events that are not stored yet and returns which ones were new: {@code ON CONFLICT (id)
     * DO NOTHING RETURNING id} answers exactly the ids this statement inserted (a replayed event, or a
     * second copy within the batch, is not among them). One multi-row statement per
     * {@link #EVENT_ROWS_PER_STATEMENT} rows: per-statement work dominates on PostgreSQL.
     */
    private boolean[] insertEvents(Connection c, List<EventRow> events) throws SQLException {
        boolean[] inserted = new boolean[events.size()];
        for (int from = 0; from < events.size(); from += EVENT_ROWS_PER_STATEMENT) {
            List<EventRow> chunk = events.subList(from, Math.min(events.size(), from + EVENT_ROWS_PER_STATEMENT));
            String sql = INSERT_EVENT_HEAD + String.join(", ", Collections.nCopies(chunk.size(), eventRow)) + INSERT_EVENT_TAIL;
            Set<String> newIds = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (EventRow row : chunk) {
                    CleanEvent e = row.event();
                    ps.setString(i++, e.id());
                    ps.setString(i++, e.workspaceId());
                    ps.setString(i++, e.contact().id());
                    ps.setString(i++, e.contact().role());
                    ps.setString(i++, e.contact().userId());
                    ps.setString(i++, e.contact().email());
                    ps.setString(i++, e.eventName());
                    ps.setLong(i++, e.createdAt());
                    ps.setString(i++, row.metadataJson());
                    ps.setString(i++, row.droppedMetadataJson());
                    ps.setString(i++, row.receivedAt());
                    ps.setString(i++, e.requestId());
                    ps.setString(i++, e.intercomVersion());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        newIds.add(rs.getString(1));
                    }
                }
            }
            for (int k = 0; k < chunk.size(); k++) {
                // remove(): of two copies of one id in the batch only the first counts as new.
                inserted[from + k] = newIds.remove(chunk.get(k).event().id());
            }
        }
        return inserted;
    }

    /**
     * Keys are unique within the map, which a multi-row upsert needs (PostgreSQL refuses to update one
     * row twice in one statement).
     */
    private void upsertSummaries(Connection c, Map<SummaryKey, Summary> summaries) throws SQLException {
        List<Map.Entry<SummaryKey, Summary>> entries = List.copyOf(summaries.entrySet());
        for (int from = 0; from < entries.size(); from += SUMMARY_ROWS_PER_STATEMENT) {
            List<Map.Entry<SummaryKey, Summary>> chunk =
                    entries.subList(from, Math.min(entries.size(), from + SUMMARY_ROWS_PER_STATEMENT));
            String sql = UPSERT_SUMMARY_HEAD + String.join(", ", Collections.nCopies(chunk.size(), SUMMARY_ROW)) + upsertSummaryConflict;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (var entry : chunk) {
                    ps.setString(i++, entry.getKey().workspaceId());
                    ps.setString(i++, entry.getKey().contactId());
                    ps.setString(i++, entry.getKey().eventName());
                    ps.setLong(i++, entry.getValue().count());
                    ps.setLong(i++, entry.getValue().first());
                    ps.setLong(i++, entry.getValue().last());
                }
                ps.executeUpdate();
            }
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
