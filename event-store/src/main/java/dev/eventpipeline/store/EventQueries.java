package dev.eventpipeline.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.eventpipeline.common.json.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reads behind Intercom's {@code GET /events}: a contact's events, newest first, a page at a time,
 * and the contact's event summaries. Read through a pool of {@link Database#openForReads}.
 *
 * <p>A page is one statement, a range scan of the index {@code events_by_contact_time (workspace_id,
 * contact_id, created_at, id)} read backwards from the cursor: at most {@code limit + 1} index entries
 * and rows, whatever the size of the contact's history, and no sort. It never skips rows with
 * {@code OFFSET}.
 */
public final class EventQueries {

    /** Intercom lists only the events of the last 90 days (by {@code created_at}). */
    public static final Duration LISTING_WINDOW = Duration.ofDays(90);
    public static final int MIN_PAGE_SIZE = 1;
    /** Intercom's largest {@code per_page}. */
    public static final int MAX_PAGE_SIZE = 100;

    private static final String EVENT_COLUMNS = "SELECT id, event_name, created_at, contact_id, user_id, email, metadata FROM events";
    private static final String CONTACT_AND_WINDOW = " WHERE workspace_id = ? AND contact_id = ? AND created_at >= ?";
    private static final String NEWEST_FIRST = " ORDER BY created_at DESC, id DESC LIMIT ?";
    /** The first page: parameters workspace, contact, the window's oldest created_at, limit. */
    static final String FIRST_PAGE = EVENT_COLUMNS + CONTACT_AND_WINDOW + NEWEST_FIRST;
    /**
     * A later page: as {@link #FIRST_PAGE}, with the cursor's created_at and id before the limit. A row
     * value comparison, which both databases turn into one bound of the index range (an {@code OR} of
     * the two cases would leave the id part to a filter on SQLite).
     */
    static final String NEXT_PAGE = EVENT_COLUMNS + CONTACT_AND_WINDOW + " AND (created_at, id) < (?, ?)" + NEWEST_FIRST;
    /** In the primary key's order on both databases. */
    static final String SUMMARIES = "SELECT event_name, event_count, first_created_at, last_created_at FROM event_summaries"
            + " WHERE workspace_id = ? AND contact_id = ? ORDER BY event_name";

    private static final JsonFactory JSON = Json.mapper().getFactory();

    private final Database database;

    public EventQueries(Database readPool) {
        if (!readPool.isReadOnly()) {
            // The writer's connections are the sink's; reading through them would delay its batches.
            throw new IllegalArgumentException("EventQueries reads through a pool of Database.openForReads");
        }
        this.database = readPool;
    }

    /**
     * One event as Intercom lists it.
     *
     * @param userId       the contact's {@code user_id} when the event was accepted (null for a lead)
     * @param email        the contact's email when the event was accepted, or null
     * @param metadataJson the metadata as sent: a JSON object of the values (not the typed form of
     *                     {@code clean-events}), keys in sent order, numbers in the digits that were sent
     *                     (write it raw, e.g. {@code JsonGenerator.writeRawValue}, to keep them)
     */
    public record Event(String id, String eventName, long createdAt, String contactId, String userId, String email,
                        String metadataJson) {}

    /** A page of events, newest first; {@code next} is null on the last page. */
    public record Page(List<Event> events, Cursor next) {
        public Page {
            events = List.copyOf(events);
        }
    }

    /** Intercom's event summary of one event name: how many events, the first and last {@code created_at}. */
    public record Summary(String eventName, long count, Instant first, Instant last) {}

    /**
     * Up to {@code limit} of the contact's events whose {@code created_at} lies within
     * {@link #LISTING_WINDOW} before {@code now} (an event exactly 90 days old is listed, one a second
     * older is not; events dated after {@code now} are listed first), newest first, after {@code after}
     * (null for the first page).
     *
     * <p>The window is taken from each call's {@code now}: an event that ages past it during a walk drops
     * out of the walk's last pages (it was the oldest); no event is ever listed twice.
     */
    public Page listEvents(String workspaceId, String contactId, Instant now, Cursor after, int limit)
            throws StoreUnavailableException {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(contactId, "contactId");
        if (limit < MIN_PAGE_SIZE || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit must be " + MIN_PAGE_SIZE + " to " + MAX_PAGE_SIZE + ": " + limit);
        }
        long oldest = oldestListed(now);
        List<Event> events = database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(after == null ? FIRST_PAGE : NEXT_PAGE)) {
                int i = 0;
                ps.setString(++i, workspaceId);
                ps.setString(++i, contactId);
                ps.setLong(++i, oldest);
                if (after != null) {
                    ps.setLong(++i, after.createdAt());
                    ps.setString(++i, after.eventId());
                }
                // One more than the page: whether it is there says whether a next page exists.
                ps.setInt(++i, limit + 1);
                List<Event> rows = new ArrayList<>(limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        rows.add(new Event(id, rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), metadataAsSent(id, rs.getString(7))));
                    }
                }
                return rows;
            }
        });
        if (events.size() <= limit) {
            return new Page(events, null);
        }
        List<Event> page = events.subList(0, limit);
        return new Page(page, Cursor.after(page.get(limit - 1)));
    }

    /** The contact's event summaries, one per event name, by name; all of its events, not only the last 90 days'. */
    public List<Summary> summaries(String workspaceId, String contactId) throws StoreUnavailableException {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(contactId, "contactId");
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(SUMMARIES)) {
                ps.setString(1, workspaceId);
                ps.setString(2, contactId);
                List<Summary> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Summary(rs.getString(1), rs.getLong(2),
                                Instant.ofEpochSecond(rs.getLong(3)), Instant.ofEpochSecond(rs.getLong(4))));
                    }
                }
                return out;
            }
        });
    }

    /**
     * The smallest {@code created_at} (unix seconds) within the window before {@code now}, rounded up:
     * with {@code now} at 12:00:00.5, an event of 12:00:00 ninety days before is older than 90 days.
     */
    static long oldestListed(Instant now) {
        Instant edge = now.minus(LISTING_WINDOW);
        return edge.getNano() == 0 ? edge.getEpochSecond() : edge.getEpochSecond() + 1;
    }

    /**
     * {@code {"k":{"type":"number","value":3.670},…}} as stored → {@code {"k":3.670,…}}: each key's
     * value copied token by token, numbers as their digits (never through a double), keys in stored order,
     * which is the order sent.
     */
    static String metadataAsSent(String eventId, String typed) {
        StringWriter out = new StringWriter(typed.length());
        try (JsonParser p = JSON.createParser(typed); JsonGenerator g = JSON.createGenerator(out)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, eventId);
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                expect(p.nextToken() == JsonToken.START_OBJECT, eventId);
                boolean copied = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    boolean isValue = "value".equals(p.currentName());
                    p.nextToken();
                    if (isValue && !copied) {
                        g.writeFieldName(key);
                        copyExactly(p, g);
                        copied = true;
                    } else {
                        p.skipChildren();
                    }
                }
                expect(copied && p.currentToken() == JsonToken.END_OBJECT, eventId);
            }
            expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null, eventId);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("the stored metadata of event " + eventId + " is not JSON", e);
        }
        return out.toString();
    }

    /** Copies the current value; numbers keep their text (3.670 stays 3.670, 1e400 stays 1e400). */
    private static void copyExactly(JsonParser p, JsonGenerator g) throws IOException {
        int depth = 0;
        do {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                g.writeNumber(p.getText());
            } else {
                g.copyCurrentEvent(p);
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        } while (depth > 0 && p.nextToken() != null);
    }

    private static void expect(boolean wellFormed, String eventId) {
        if (!wellFormed) {
            // Only the sink writes this column, always in this form: anything else is damage, not an outage.
            throw new IllegalStateException("the stored metadata of event " + eventId + " is not {key: {type, value}}");
        }
    }
}
