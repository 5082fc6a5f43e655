package dev.eventpipeline.sink.store;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.EventDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
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
    private final SqlDialect dialect;
    private final String insertEvent;
    private final String upsertSummary;
    private final String upsertDefinition;
    private static final String DELETE_DEFINITION = "DELETE FROM event_definitions WHERE workspace_id = ? AND event_name = ?";
    private static final String EVENT_COLUMNS = "id, workspace_id, contact_id, contact_role, user_id,"
            + " email, event_name, created_at, metadata, dropped_metadata, received_at, request_id, intercom_version";
    private static final String SUMMARY_COLUMNS = "workspace_id, contact_id, event_name, event_count, first_created_at, last_created_at";
    private static final String SUMMARY_CONFLICT = " ON CONFLICT (workspace_id, contact_id, event_name) DO UPDATE SET"
            + " event_count = event_summaries.event_count + excluded.event_count,"
            + " first_created_at = CASE WHEN excluded.first_created_at < event_summaries.first_created_at"
            + "   THEN excluded.first_created_at ELSE event_summaries.first_created_at END,"
            + " last_created_at = CASE WHEN excluded.last_created_at > event_summaries.last_created_at"
            + "   THEN excluded.last_created_at ELSE event_summaries.last_created_at END";

    public EventStore(Database database) {
        this.database = database;
        this.dialect = database.dialect();
        SqlDialect d = dialect;
        if (d == SqlDialect.POSTGRESQL) {
            // One statement of fixed text per batch, whatever its size: the rows travel as 13 (6) arrays
            // and unnest() turns them back into rows. Parsing and planning happen once per batch instead
            // of once per row (a JDBC batch) or once per distinct row count (a multi-row VALUES of up to
            // 13000 parameters, which PostgreSQL re-plans on every execution: a custom plan per call).
            this.insertEvent = "INSERT INTO events (" + EVENT_COLUMNS + ")"
                    + " SELECT id, workspace_id, contact_id, contact_role, user_id, email, event_name, created_at,"
                    + " CAST(metadata AS json), CAST(dropped_metadata AS json), CAST(received_at AS timestamptz), request_id, intercom_version"
                    + " FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
                    + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]),"
                    + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))"
                    + " AS r(id, workspace_id, contact_id, contact_role, user_id, email, event_name, created_at,"
                    + " metadata, dropped_metadata, received_at, request_id, intercom_version)"
                    + " ON CONFLICT (id) DO NOTHING RETURNING id";
            this.upsertSummary = "INSERT INTO event_summaries (" + SUMMARY_COLUMNS + ")"
                    + " SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
                    + " CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]))" + SUMMARY_CONFLICT;
        } else {
            // SQLite runs in-process: a statement costs no round trip, only its parse. One single-row
            // statement, prepared once per batch and stepped once per row (a JDBC batch), parses 13
            // parameters instead of the 13000 of a multi-row VALUES, and its update count per row
            // (1 inserted, 0 already stored) says which rows are new without RETURNING.
            this.insertEvent = "INSERT INTO events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO NOTHING";
            this.upsertSummary = "INSERT INTO event_summaries (" + SUMMARY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)" + SUMMARY_CONFLICT;
        }
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
    public record WriteResult(int eventsInserted, int eventsAlreadyStored, int summariesUpdated, int definitionsWritten,
                              Phases phases) {}

    /** Where one batch's transaction spent its time, in nanoseconds (what a benchmark profiles). */
    public record Phases(long events, long summaries, long definitions, long commit) {}

    /**
     * Writes the batch in one transaction and commits it. On any {@link SQLException} the
     * transaction is rolled back and nothing of the batch is stored; the caller retries the whole batch.
     */
    public WriteResult write(List<EventRow> events, List<DefinitionChange> definitions) throws SQLException {
        try (Connection c = database.connection()) {
            try {
                c.setAutoCommit(false);
                long t0 = System.nanoTime();
                boolean[] inserted = insertEvents(c, events);
                long t1 = System.nanoTime();
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
                long t2 = System.nanoTime();
                int definitionsWritten = writeDefinitions(c, definitions);
                long t3 = System.nanoTime();
                c.commit();
                long t4 = System.nanoTime();
                return new WriteResult(insertedCount, events.size() - insertedCount, summaries.size(), definitionsWritten,
                        new Phases(t1 - t0, t2 - t1, t3 - t2, t4 - t3));
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    /**
     * Inserts the events that are not stored yet and returns which ones were new. A replayed event, or a
     * second copy of an id within the batch, hits the primary key and is not new ({@code ON CONFLICT (id)
     * DO NOTHING}); only the new ones are counted in the summaries.
     */
    private boolean[] insertEvents(Connection c, List<EventRow> events) throws SQLException {
        boolean[] inserted = new boolean[events.size()];
        if (events.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement ps = c.prepareStatement(insertEvent)) {
            if (dialect == SqlDialect.POSTGRESQL) {
                int n = events.size();
                String[][] text = new String[12][n];
                Long[] createdAt = new Long[n];
                for (int k = 0; k < n; k++) {
                    EventRow row = events.get(k);
                    CleanEvent e = row.event();
                    text[0][k] = e.id();
                    text[1][k] = e.workspaceId();
                    text[2][k] = e.contact().id();
                    text[3][k] = e.contact().role();
                    text[4][k] = e.contact().userId();
                    text[5][k] = e.contact().email();
                    text[6][k] = e.eventName();
                    createdAt[k] = e.createdAt();
                    text[7][k] = row.metadataJson();
                    text[8][k] = row.droppedMetadataJson();
                    text[9][k] = row.receivedAt();
                    text[10][k] = e.requestId();
                    text[11][k] = e.intercomVersion();
                }
                int t = 0;
                for (int i = 1; i <= 13; i++) {
                    ps.setArray(i, i == 8 ? c.createArrayOf("bigint", createdAt) : c.createArrayOf("text", text[t++]));
                }
                // RETURNING answers exactly the ids this statement inserted.
                Set<String> newIds = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        newIds.add(rs.getString(1));
                    }
                }
                for (int k = 0; k < n; k++) {
                    // remove(): of two copies of one id in the batch only the first counts as new.
                    inserted[k] = newIds.remove(events.get(k).event().id());
                }
            } else {
                for (EventRow row : events) {
                    CleanEvent e = row.event();
                    ps.setString(1, e.id());
                    ps.setString(2, e.workspaceId());
                    ps.setString(3, e.contact().id());
                    ps.setString(4, e.contact().role());
                    ps.setString(5, e.contact().userId());
                    ps.setString(6, e.contact().email());
                    ps.setString(7, e.eventName());
                    ps.setLong(8, e.createdAt());
                    ps.setString(9, row.metadataJson());
                    ps.setString(10, row.droppedMetadataJson());
                    ps.setString(11, row.receivedAt());
                    ps.setString(12, e.requestId());
                    ps.setString(13, e.intercomVersion());
                    ps.addBatch();
                }
                // Rows run in order, so a second copy of an id within the batch reports 0 like a replay.
                int[] counts = ps.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    inserted[k] = counts[k] > 0;
                }
            }
        }
        return inserted;
    }

    /**
     * One row per key (PostgreSQL refuses to update one row twice in one statement), in key order, so
     * that two writers touching the same summaries lock them in the same order and cannot deadlock.
     */
    private void upsertSummaries(Connection c, Map<SummaryKey, Summary> summaries) throws SQLException {
        if (summaries.isEmpty()) {
            return;
        }
        List<Map.Entry<SummaryKey, Summary>> entries = new ArrayList<>(summaries.entrySet());
        entries.sort(Map.Entry.comparingByKey(SUMMARY_KEY_ORDER));
        try (PreparedStatement ps = c.prepareStatement(upsertSummary)) {
            if (dialect == SqlDialect.POSTGRESQL) {
                int n = entries.size();
                String[] workspace = new String[n];
                String[] contact = new String[n];
                String[] name = new String[n];
                Long[] count = new Long[n];
                Long[] first = new Long[n];
                Long[] last = new Long[n];
                for (int k = 0; k < n; k++) {
                    var entry = entries.get(k);
                    workspace[k] = entry.getKey().workspaceId();
                    contact[k] = entry.getKey().contactId();
                    name[k] = entry.getKey().eventName();
                    count[k] = entry.getValue().count();
                    first[k] = entry.getValue().first();
                    last[k] = entry.getValue().last();
                }
                ps.setArray(1, c.createArrayOf("text", workspace));
                ps.setArray(2, c.createArrayOf("text", contact));
                ps.setArray(3, c.createArrayOf("text", name));
                ps.setArray(4, c.createArrayOf("bigint", count));
                ps.setArray(5, c.createArrayOf("bigint", first));
                ps.setArray(6, c.createArrayOf("bigint", last));
                ps.executeUpdate();
            } else {
                for (var entry : entries) {
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
    }

    private static final Comparator<SummaryKey> SUMMARY_KEY_ORDER = Comparator.comparing(SummaryKey::workspaceId)
            .thenComparing(SummaryKey::contactId).thenComparing(SummaryKey::eventName);

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
