package dev.eventpipeline.store;

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
import java.util.HashMap;
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
    private final SqlDialect dialect;
    private final String insertEvents;
    private final String upsertSummaries;
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
            // One statement of fixed text per batch, whatever its size: the rows travel as 13 arrays and
            // unnest() turns them back into rows, so parsing and planning happen once per batch. The events
            // insert and the summaries upsert are one statement: the summaries are aggregated from what the
            // insert RETURNs (exactly the new rows: a replayed id, or a second copy of an id in the batch,
            // returns nothing), one row per key, in key order so that two writers lock shared summary rows
            // in the same order and cannot deadlock. That saves a round trip per batch (what it costs over a
            // network; on one machine the benchmark could not tell the two forms apart), sending the new
            // rows' keys back to Java and grouping them there.
            this.insertEvents = "WITH inserted AS (INSERT INTO events (" + EVENT_COLUMNS + ")"
                    + " SELECT id, workspace_id, contact_id, contact_role, user_id, email, event_name, created_at,"
                    + " CAST(metadata AS json), CAST(dropped_metadata AS json), CAST(received_at AS timestamptz), request_id, intercom_version"
                    + " FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
                    + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]),"
                    + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))"
                    + " AS r(id, workspace_id, contact_id, contact_role, user_id, email, event_name, created_at,"
                    + " metadata, dropped_metadata, received_at, request_id, intercom_version)"
                    + " ON CONFLICT (id) DO NOTHING RETURNING workspace_id, contact_id, event_name, created_at),"
                    + " summarised AS (INSERT INTO event_summaries (" + SUMMARY_COLUMNS + ")"
                    + " SELECT workspace_id, contact_id, event_name, count(*), min(created_at), max(created_at) FROM inserted"
                    + " GROUP BY workspace_id, contact_id, event_name ORDER BY workspace_id, contact_id, event_name"
                    + SUMMARY_CONFLICT + " RETURNING 1)"
                    + " SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM summarised)";
            this.upsertSummaries = null;
        } else {
            // SQLite runs in-process: a statement costs no round trip, only its parse. One single-row
            // statement, prepared once per batch and stepped once per row (a JDBC batch), parses 13
            // parameters instead of the 13000 of a multi-row VALUES; its update count per row (1 inserted,
            // 0 already stored) says which rows are new. Their summaries are grouped here and upserted the same
            // way, one row per key. (Grouping them in SQL instead, from the new rows read back by rowid, was
            // measured: no faster, the upserts themselves are the cost.)
            this.insertEvents = "INSERT INTO events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO NOTHING";
            this.upsertSummaries = "INSERT INTO event_summaries (" + SUMMARY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)" + SUMMARY_CONFLICT;
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
     * An event ready to bind: the values of its {@code events} row, JSON and timestamp already rendered.
     * Built on the consumer thread while the previous batch is written, so the transaction spends no time
     * on them.
     */
    public record EventRow(String id, String workspaceId, String contactId, String contactRole, String userId,
                           String email, String eventName, long createdAt, String metadataJson,
                           String droppedMetadataJson, String receivedAt, String requestId, String intercomVersion) {

        public static EventRow of(CleanEvent e) {
            return new EventRow(e.id(), e.workspaceId(), e.contact().id(), e.contact().role(), e.contact().userId(),
                    e.contact().email(), e.eventName(), e.createdAt(),
                    Json.toString(e.metadata() == null ? Map.of() : e.metadata()),
                    Json.toString(e.droppedMetadata() == null ? List.of() : e.droppedMetadata()),
                    SqlDialect.timestamp(e.receivedAt()), e.requestId(), e.intercomVersion());
        }
    }

    /** What one batch changed. */
    public record WriteResult(int eventsInserted, int eventsAlreadyStored, int summariesUpdated, int definitionsWritten,
                              Phases phases) {}

    /**
     * Where one batch's transaction spent its time, in nanoseconds (what a benchmark profiles). On
     * PostgreSQL the events and the summaries are one statement: its time is in {@code events}, and
     * {@code summaries} is 0.
     */
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
                int inserted = 0;
                int summariesUpdated = 0;
                long t1 = t0;
                if (!events.isEmpty() && dialect == SqlDialect.POSTGRESQL) {
                    int[] counts = insertEventsAndSummaries(c, events);
                    inserted = counts[0];
                    summariesUpdated = counts[1];
                    t1 = System.nanoTime();
                } else if (!events.isEmpty()) {
                    boolean[] isNew = insertEvents(c, events);
                    t1 = System.nanoTime();
                    Map<SummaryKey, Summary> summaries = new HashMap<>();
                    for (int i = 0; i < isNew.length; i++) {
                        if (isNew[i]) {
                            inserted++;
                            EventRow e = events.get(i);
                            summaries.merge(new SummaryKey(e.workspaceId(), e.contactId(), e.eventName()),
                                    new Summary(1, e.createdAt(), e.createdAt()), Summary::plus);
                        }
                    }
                    upsertSummaries(c, summaries);
                    summariesUpdated = summaries.size();
                }
                long t2 = System.nanoTime();
                int definitionsWritten = writeDefinitions(c, definitions);
                long t3 = System.nanoTime();
                c.commit();
                long t4 = System.nanoTime();
                return new WriteResult(inserted, events.size() - inserted, summariesUpdated, definitionsWritten,
                        new Phases(t1 - t0, t2 - t1, t3 - t2, t4 - t3));
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
    }

    /** PostgreSQL: inserts the new events and upserts their summaries; returns {inserted, summary rows}. */
    private int[] insertEventsAndSummaries(Connection c, List<EventRow> events) throws SQLException {
        int n = events.size();
        String[][] text = new String[12][n];
        Long[] createdAt = new Long[n];
        for (int k = 0; k < n; k++) {
            EventRow row = events.get(k);
            text[0][k] = row.id();
            text[1][k] = row.workspaceId();
            text[2][k] = row.contactId();
            text[3][k] = row.contactRole();
            text[4][k] = row.userId();
            text[5][k] = row.email();
            text[6][k] = row.eventName();
            createdAt[k] = row.createdAt();
            text[7][k] = row.metadataJson();
            text[8][k] = row.droppedMetadataJson();
            text[9][k] = row.receivedAt();
            text[10][k] = row.requestId();
            text[11][k] = row.intercomVersion();
        }
        try (PreparedStatement ps = c.prepareStatement(insertEvents)) {
            int t = 0;
            for (int i = 1; i <= 13; i++) {
                ps.setArray(i, i == 8 ? c.createArrayOf("bigint", createdAt) : c.createArrayOf("text", text[t++]));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    /** SQLite: inserts the events not stored yet (a JDBC batch) and returns which ones were new. */
    private boolean[] insertEvents(Connection c, List<EventRow> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertEvents)) {
            for (EventRow row : events) {
                ps.setString(1, row.id());
                ps.setString(2, row.workspaceId());
                ps.setString(3, row.contactId());
                ps.setString(4, row.contactRole());
                ps.setString(5, row.userId());
                ps.setString(6, row.email());
                ps.setString(7, row.eventName());
                ps.setLong(8, row.createdAt());
                ps.setString(9, row.metadataJson());
                ps.setString(10, row.droppedMetadataJson());
                ps.setString(11, row.receivedAt());
                ps.setString(12, row.requestId());
                ps.setString(13, row.intercomVersion());
                ps.addBatch();
            }
            // 1 for a new row, 0 for an id already stored (a replay, or a second copy within the batch:
            // rows run in order, so the first copy is the one stored and counted).
            int[] counts = ps.executeBatch();
            boolean[] isNew = new boolean[counts.length];
            for (int k = 0; k < counts.length; k++) {
                isNew[k] = counts[k] > 0;
            }
            return isNew;
        }
    }

    /** SQLite: the summaries of the new rows, in key order (as PostgreSQL's statement orders them). */
    private void upsertSummaries(Connection c, Map<SummaryKey, Summary> summaries) throws SQLException {
        if (summaries.isEmpty()) {
            return;
        }
        List<Map.Entry<SummaryKey, Summary>> entries = new ArrayList<>(summaries.entrySet());
        entries.sort(Map.Entry.comparingByKey(SUMMARY_KEY_ORDER));
        try (PreparedStatement ps = c.prepareStatement(upsertSummaries)) {
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
