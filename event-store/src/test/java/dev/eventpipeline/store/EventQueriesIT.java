package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.TypedValue;
import dev.eventpipeline.store.EventQueries.Event;
import dev.eventpipeline.store.EventQueries.Page;
import dev.eventpipeline.store.EventQueries.Summary;
import dev.eventpipeline.testing.CleanEvents;
import dev.eventpipeline.testing.EventOracle;
import dev.eventpipeline.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reads of GET /events on both databases, with rows written by the sink's own EventStore. The
 * expected pages are computed from the events written: the contact's events within the window, sorted
 * by (created_at, id) descending, cut after the cursor.
 */
class EventQueriesIT {

    private static final String KINDS = "dev.eventpipeline.testing.TestDatabase#kinds";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final long NOW_S = NOW.getEpochSecond();
    private static final long DAY = 86_400;

    private static final Comparator<CleanEvent> NEWEST_FIRST =
            Comparator.comparingLong(CleanEvent::createdAt).thenComparing(CleanEvent::id).reversed();

    private static CleanEvent event(String workspace, String contact, String name, long createdAt) {
        return CleanEvents.event(workspace, contact, name, createdAt);
    }

    private static List<String> ids(Page page) {
        return page.events().stream().map(Event::id).toList();
    }

    private static List<String> ids(List<CleanEvent> events) {
        return events.stream().map(CleanEvent::id).toList();
    }

    /** Every page from the first to the last. */
    private static List<Page> walk(EventQueries queries, String workspace, String contact, int limit) throws Exception {
        List<Page> pages = new ArrayList<>();
        Cursor cursor = null;
        do {
            Page page = queries.listEvents(workspace, contact, NOW, cursor, limit);
            pages.add(page);
            cursor = page.next();
        } while (cursor != null && pages.size() < 1_000);
        return pages;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void lists_a_contacts_events_newest_first_ties_by_id_and_nobody_elses(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind)) {
            List<CleanEvent> mine = new ArrayList<>();
            List<CleanEvent> all = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                long createdAt = NOW_S - 3_600 * (i / 3); // three events per second: the id decides their order
                CleanEvent e = event("w", "c", "e" + i, createdAt);
                mine.add(e);
                all.add(e);
                all.add(event("w", "other", "e" + i, createdAt)); // another contact of the workspace
                all.add(event("w2", "c", "e" + i, createdAt)); // the same contact id in another workspace
            }
            f.write(all);

            Page page = f.queries.listEvents("w", "c", NOW, null, 100);

            List<CleanEvent> expected = mine.stream().sorted(NEWEST_FIRST).toList();
            assertThat(ids(page)).isEqualTo(ids(expected));
            assertThat(page.next()).isNull();
            Event first = page.events().get(0);
            CleanEvent source = expected.get(0);
            assertThat(first).isEqualTo(new Event(source.id(), source.eventName(), source.createdAt(), "c", "u-c",
                    "c@example.com", first.metadataJson()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void lists_an_event_exactly_90_days_old_but_not_one_a_second_older(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind)) {
            long edge = NOW_S - 90 * DAY;
            CleanEvent future = event("w", "c", "future", NOW_S + 3_600); // accepted up to 24 h ahead
            CleanEvent now = event("w", "c", "now", NOW_S);
            CleanEvent inside = event("w", "c", "inside", edge + 1);
            CleanEvent exactly = event("w", "c", "exactly-90-days", edge);
            CleanEvent older = event("w", "c", "90-days-and-1s", edge - 1);
            CleanEvent ancient = event("w", "c", "ancient", edge - 400 * DAY);
            f.write(List.of(older, exactly, future, ancient, inside, now));

            Page page = f.queries.listEvents("w", "c", NOW, null, 100);

            assertThat(ids(page)).isEqualTo(ids(List.of(future, now, inside, exactly)));
            // Half a second later the edge event is older than 90 days.
            assertThat(ids(f.queries.listEvents("w", "c", NOW.plusMillis(500), null, 100)))
                    .isEqualTo(ids(List.of(future, now, inside)));
            // A cursor placed below the window finds nothing, it does not reach past the window.
            assertThat(f.queries.listEvents("w", "c", NOW, Cursor.after(page.events().get(3)), 100).events()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void pages_of_1_and_of_100_and_a_last_page_that_is_exactly_full(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind)) {
            List<CleanEvent> hundredAndOne = new ArrayList<>();
            List<CleanEvent> hundred = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                hundredAndOne.add(event("w", "c101", "e", NOW_S - 60L * i));
                if (i < 100) {
                    hundred.add(event("w", "c100", "e", NOW_S - 60L * i));
                }
            }
            List<CleanEvent> three = List.of(event("w", "c3", "a", NOW_S - 1), event("w", "c3", "b", NOW_S - 2),
                    event("w", "c3", "c", NOW_S - 3));
            List<CleanEvent> all = new ArrayList<>(hundredAndOne);
            all.addAll(hundred);
            all.addAll(three);
            f.write(all);

            List<Page> byHundred = walk(f.queries, "w", "c101", 100);
            assertThat(byHundred).extracting(p -> p.events().size()).containsExactly(100, 1);
            assertThat(byHundred.stream().flatMap(p -> ids(p).stream()).toList())
                    .isEqualTo(ids(hundredAndOne.stream().sorted(NEWEST_FIRST).toList()));

            // Exactly full: no cursor to an empty page.
            List<Page> full = walk(f.queries, "w", "c100", 100);
            assertThat(full).hasSize(1);
            assertThat(full.get(0).events()).hasSize(100);
            assertThat(full.get(0).next()).isNull();

            List<Page> byOne = walk(f.queries, "w", "c3", 1);
            assertThat(byOne).extracting(p -> p.events().size()).containsExactly(1, 1, 1);
            assertThat(byOne.get(2).next()).isNull();
            assertThat(byOne.stream().flatMap(p -> ids(p).stream()).toList()).isEqualTo(ids(three));

            for (int bad : new int[] {0, -1, 101}) {
                assertThatThrownBy(() -> f.queries.listEvents("w", "c3", NOW, null, bad)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void a_contact_without_events_has_an_empty_last_page_and_no_summaries(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind)) {
            f.write(List.of(event("w", "someone-else", "e", NOW_S)));
            Page page = f.queries.listEvents("w", "nobody", NOW, null, 15);
            assertThat(page.events()).isEmpty();
            assertThat(page.next()).isNull();
            assertThat(f.queries.summaries("w", "nobody")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void gives_metadata_back_as_sent_in_sent_order_with_numbers_in_the_digits_sent(TestDatabase.Kind kind) throws Exception {
        JsonNodeFactory nodes = JsonNodeFactory.withExactBigDecimals(true);
        ObjectNode richLink = nodes.objectNode().put("url", "https://example.org/o/1").put("value", "the dude abides");
        ObjectNode money = nodes.objectNode().put("amount", 34999).put("currency", "eur");
        Map<String, TypedValue> typed = new LinkedHashMap<>();
        typed.put("invite_code", new TypedValue("string", nodes.textNode("ADDAFRIEND \"q\" café")));
        typed.put("load", new TypedValue("number", nodes.numberNode(new BigDecimal("3.670"))));
        typed.put("seats", new TypedValue("number", nodes.numberNode(12)));
        typed.put("contact_date", new TypedValue("date", nodes.numberNode(1392036272L)));
        typed.put("article", new TypedValue("link", nodes.textNode("https://example.org/ab1de.html")));
        typed.put("order", new TypedValue("rich_link", richLink));
        typed.put("price", new TypedValue("monetary_amount", money));
        typed.put("alpha", new TypedValue("string", nodes.textNode("sent last, not sorted first")));
        CleanEvent e = CleanEvents.event("w", "c", "placed-order", NOW_S, typed);
        try (StoreFixture f = new StoreFixture(kind)) {
            f.write(List.of(e));

            String metadata = f.queries.listEvents("w", "c", NOW, null, 15).events().get(0).metadataJson();

            // The oracle: the values of the typed metadata, in its order, as the pipeline's mapper renders them.
            Map<String, JsonNode> sent = new LinkedHashMap<>();
            typed.forEach((k, v) -> sent.put(k, v.value()));
            assertThat(metadata).isEqualTo(Json.toString(sent));
            assertThat(metadata).contains("\"load\":3.670,").startsWith("{\"invite_code\":").endsWith("\"alpha\":\"sent last, not sorted first\"}");
            assertThat(metadata).contains("\"price\":{\"amount\":34999,\"currency\":\"eur\"}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void summaries_count_each_stored_event_once_per_name_with_its_first_and_last(TestDatabase.Kind kind) throws Exception {
        long seed = EventOracle.seed();
        List<CleanEvent> events = EventOracle.events("w", 400, seed); // about one in five a copy: stored once
        try (StoreFixture f = new StoreFixture(kind)) {
            f.write(events.subList(0, 250));
            f.write(events.subList(150, 400)); // overlaps the first batch, as a replay after a crash does
            f.write(List.of(event("w2", "c1", "e0", 1_700_000_000L))); // another workspace's contact c1

            for (String contact : List.of("c0", "c1", "c6")) {
                List<CleanEvent> ofContact = events.stream().filter(e -> e.contact().id().equals(contact)).toList();
                Map<String, List<CleanEvent>> byName = new TreeMap<>(ofContact.stream()
                        .collect(Collectors.toMap(CleanEvent::id, Function.identity(), (a, b) -> a)).values().stream()
                        .collect(Collectors.groupingBy(CleanEvent::eventName)));
                List<Summary> expected = new ArrayList<>();
                byName.forEach((name, list) -> expected.add(new Summary(name, list.size(),
                        Instant.ofEpochSecond(list.stream().mapToLong(CleanEvent::createdAt).min().orElseThrow()),
                        Instant.ofEpochSecond(list.stream().mapToLong(CleanEvent::createdAt).max().orElseThrow()))));
                assertThat(f.queries.summaries("w", contact)).as("contact %s, seed %d", contact, seed).isEqualTo(expected);
            }
        }
    }

    /**
     * Walks 40 events 15 at a time while new events arrive between the pages (older and newer than the
     * cursor, some in the cursor's own second) and some of the 40 are written again (a replay). Each page
     * must be exactly what the store held when it was read, below the cursor: so each of the 40 is seen
     * exactly once, an event newer than the cursor never, one older than the cursor in a later page.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void a_walk_sees_each_event_that_existed_when_it_began_exactly_once_while_new_ones_arrive(TestDatabase.Kind kind)
            throws Exception {
        long seed = EventOracle.seed();
        Random random = new Random(seed);
        long oldest = NOW_S - 90 * DAY;
        List<CleanEvent> originals = new ArrayList<>();
        List<CleanEvent> noise = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // Four events per second, so that page boundaries (after 15 and 30) fall inside a second.
            long createdAt = NOW_S - DAY * (i / 4) - 1;
            originals.add(event("w", "c", "e" + i % 4, createdAt));
            noise.add(event("w", "c-other", "e" + i % 4, createdAt));
            noise.add(event("w2", "c", "e" + i % 4, createdAt));
        }
        try (StoreFixture f = new StoreFixture(kind)) {
            List<CleanEvent> initial = new ArrayList<>(originals);
            initial.addAll(noise);
            f.write(initial);
            // The model of the contact's rows in the store, in the listing's order (newest first).
            NavigableSet<CleanEvent> model = new TreeSet<>(NEWEST_FIRST);
            model.addAll(originals);

            List<String> seen = new ArrayList<>();
            Set<String> newerThanTheirCursor = new HashSet<>();
            Cursor cursor = null;
            int pages = 0;
            int counter = 0;
            while (true) {
                Page page = f.queries.listEvents("w", "c", NOW, cursor, 15);
                pages++;
                Cursor at = cursor;
                List<CleanEvent> below = model.stream()
                        .filter(e -> at == null || e.createdAt() < at.createdAt()
                                || e.createdAt() == at.createdAt() && e.id().compareTo(at.eventId()) < 0)
                        .filter(e -> e.createdAt() >= oldest).toList();
                List<CleanEvent> expected = below.subList(0, Math.min(15, below.size()));
                assertThat(ids(page)).as("page %d (seed %d)", pages, seed).isEqualTo(ids(expected));
                assertThat(page.next()).as("page %d (seed %d)", pages, seed)
                        .isEqualTo(below.size() > 15 ? Cursor.after(page.events().get(14)) : null);
                seen.addAll(ids(page));
                if (page.next() == null) {
                    break;
                }
                cursor = page.next();

                // Between two pages: a few new events of the contact, and some of the 40 replayed.
                List<CleanEvent> arriving = new ArrayList<>();
                for (int k = 0, n = 2 + random.nextInt(4); k < n; k++) {
                    long createdAt = switch (random.nextInt(3)) {
                        case 0 -> cursor.createdAt() + 1 + random.nextInt(3_600); // newer than the cursor
                        case 1 -> oldest + random.nextLong(cursor.createdAt() - oldest); // older: listed later
                        default -> cursor.createdAt(); // the cursor's own second: the id decides
                    };
                    CleanEvent e = event("w", "c", "new-" + counter++, createdAt);
                    arriving.add(e);
                    model.add(e);
                    if (createdAt > cursor.createdAt() || createdAt == cursor.createdAt() && e.id().compareTo(cursor.eventId()) > 0) {
                        newerThanTheirCursor.add(e.id());
                    }
                    arriving.add(event("w", "c-other", "new-" + counter, createdAt));
                }
                arriving.add(originals.get(random.nextInt(originals.size())));
                f.write(arriving);
            }

            assertThat(pages).as("seed %d", seed).isGreaterThanOrEqualTo(3);
            assertThat(new HashSet<>(seen)).as("nothing listed twice (seed %d)", seed).hasSameSizeAs(seen);
            Map<String, Integer> timesSeen = new HashMap<>();
            seen.forEach(id -> timesSeen.merge(id, 1, Integer::sum));
            for (CleanEvent original : originals) {
                assertThat(timesSeen.get(original.id())).as("%s (seed %d)", original.id(), seed).isEqualTo(1);
            }
            assertThat(seen).as("seed %d", seed).doesNotContainAnyElementsOf(newerThanTheirCursor);
            Set<String> others = noise.stream().map(CleanEvent::id).collect(Collectors.toSet());
            assertThat(seen).doesNotContainAnyElementsOf(others);
        }
    }

    /**
     * The page is a range scan of events_by_contact_time read backwards: no sort, no scan of the table or
     * of the contact's whole history. PostgreSQL's planner is given statistics of a table where a contact
     * holds a small share of the rows, as in production.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void a_page_is_a_backward_range_scan_of_the_listing_index_without_a_sort(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind)) {
            List<CleanEvent> events = new ArrayList<>();
            for (int i = 0; i < 4_000; i++) {
                events.add(event("w" + i % 2, "c" + i % 40, "e" + i % 3, NOW_S - 600L * i));
            }
            for (int from = 0; from < events.size(); from += 1_000) {
                f.write(events.subList(from, from + 1_000));
            }
            try (Connection c = f.db.connect()) {
                if (kind == TestDatabase.Kind.POSTGRESQL) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ANALYZE events");
                    }
                }
                Cursor cursor = new Cursor(NOW_S - 600L * 2_000, events.get(2_000).id());
                String first = plan(kind, c, EventQueries.FIRST_PAGE, "w0", "c0", NOW_S - 90 * DAY, null, 16);
                String next = plan(kind, c, EventQueries.NEXT_PAGE, "w0", "c0", NOW_S - 90 * DAY, cursor, 16);
                if (kind == TestDatabase.Kind.SQLITE) {
                    assertThat(first).contains("SEARCH events USING INDEX events_by_contact_time (workspace_id=? AND contact_id=? AND created_at>?)")
                            .doesNotContain("TEMP B-TREE").doesNotContain("SCAN");
                    // The cursor is a bound of the index range, not a filter applied to the rows after it.
                    assertThat(next).contains("SEARCH events USING INDEX events_by_contact_time"
                            + " (workspace_id=? AND contact_id=? AND created_at>? AND (created_at,id)<(?,?))")
                            .doesNotContain("TEMP B-TREE").doesNotContain("SCAN");
                } else {
                    assertThat(first).contains("Index Scan Backward using events_by_contact_time on events")
                            .doesNotContain("Sort").doesNotContain("Seq Scan");
                    assertThat(next).contains("Index Scan Backward using events_by_contact_time on events")
                            .contains("(ROW(created_at, id) < ROW(")
                            .doesNotContain("Sort").doesNotContain("Seq Scan").doesNotContain("Filter");
                }
            }
        }
    }

    /** The plan of one page query as the database reports it, bound with the parameters EventQueries binds. */
    private static String plan(TestDatabase.Kind kind, Connection c, String sql, String workspace, String contact,
                               long oldest, Cursor cursor, int limit) throws Exception {
        String explain = (kind == TestDatabase.Kind.SQLITE ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql;
        try (PreparedStatement ps = c.prepareStatement(explain)) {
            int i = 0;
            ps.setString(++i, workspace);
            ps.setString(++i, contact);
            ps.setLong(++i, oldest);
            if (cursor != null) {
                ps.setLong(++i, cursor.createdAt());
                ps.setString(++i, cursor.eventId());
            }
            ps.setInt(++i, limit);
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // SQLite: (id, parent, notused, detail); PostgreSQL: one line of text per row.
                    out.append(rs.getString(kind == TestDatabase.Kind.SQLITE ? 4 : 1)).append('\n');
                }
            }
            System.out.println(kind + " plan of " + sql + ":\n" + out);
            return out.toString();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void the_queries_need_a_read_pool(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind)) {
            assertThatThrownBy(() -> new EventQueries(f.writer)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("openForReads");
            assertThat(f.reads.queryTimeout()).isEqualTo(Duration.ofSeconds(5));
        }
    }
}
