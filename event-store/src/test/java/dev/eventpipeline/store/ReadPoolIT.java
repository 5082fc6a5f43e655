package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.store.StoreUnavailableException.Reason;
import dev.eventpipeline.testing.CleanEvents;
import dev.eventpipeline.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The read pool on both databases: read-only, never migrating, bounded in time, out of the writer's way. */
class ReadPoolIT {

    private static final String KINDS = "dev.eventpipeline.testing.TestDatabase#kinds";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static List<CleanEvent> events(String contact, int n) {
        List<CleanEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(CleanEvents.event("w", contact, "e", NOW.getEpochSecond() - i));
        }
        return out;
    }

    private static StoreUnavailableException unavailable(ThrowingRead read) {
        try {
            read.run();
        } catch (StoreUnavailableException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected StoreUnavailableException, got " + e, e);
        }
        throw new AssertionError("expected StoreUnavailableException, the read succeeded");
    }

    @FunctionalInterface
    private interface ThrowingRead {
        void run() throws Exception;
    }

    /**
     * Opened before the sink ever ran, the pool reports the missing tables as NOT_MIGRATED (creating
     * nothing: no SQLite file, no table), and reads once the sink has migrated, without a restart.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void before_the_sink_migrated_a_read_is_not_migrated_and_after_it_the_same_pool_reads(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind);
             Database reads = Database.openForReads(ReadPoolSettings.of(db.jdbcUrl()))) {
            EventQueries queries = new EventQueries(reads);

            StoreUnavailableException before = unavailable(() -> queries.listEvents("w", "c", NOW, null, 15));
            assertThat(before.reason()).isEqualTo(Reason.NOT_MIGRATED);
            assertThat(unavailable(() -> queries.summaries("w", "c")).reason()).isEqualTo(Reason.NOT_MIGRATED);
            if (kind == TestDatabase.Kind.SQLITE) {
                Path file = Database.sqliteFile(db.jdbcUrl());
                assertThat(before).hasMessageContaining("does not exist yet");
                assertThat(file).doesNotExist();
                // The file exists but the sink has not migrated it yet.
                Files.createDirectories(file.getParent());
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                }
                assertThat(unavailable(() -> queries.listEvents("w", "c", NOW, null, 15)))
                        .hasMessageContaining("no such table").extracting(StoreUnavailableException::reason).isEqualTo(Reason.NOT_MIGRATED);
            }
            assertThat(db.rows(kind == TestDatabase.Kind.SQLITE ? "SELECT name FROM sqlite_master"
                    : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))
                    .as("the read pool created nothing").isEmpty();

            try (Database writer = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5))) {
                writer.awaitAndMigrate(Duration.ofSeconds(30));
                new EventStore(writer).write(events("c", 3).stream().map(EventStore.EventRow::of).toList(), List.of());
            }
            assertThat(queries.listEvents("w", "c", NOW, null, 15).events()).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void a_read_pool_never_migrates_and_cannot_write(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind)) {
            f.write(events("c", 2));
            assertThatThrownBy(() -> f.reads.awaitAndMigrate(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("never migrates");
            for (String write : List.of("DELETE FROM events", "CREATE TABLE intruder (x INTEGER)")) {
                // Refused by the database itself (SQLITE_READONLY, or PostgreSQL's read-only transaction), not
                // an outage: a bug, surfaced as such.
                assertThatThrownBy(() -> f.reads.read(c -> {
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate(write);
                    }
                })).as(write).isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(SQLException.class)
                        .hasMessageContaining(kind == TestDatabase.Kind.SQLITE ? "readonly" : "read-only");
            }
            assertThat(f.db.count("events")).isEqualTo(2);
            assertThat(f.reads.read(Connection::isReadOnly)).isTrue();
            // The writer's pool is the sink's: reads are refused there.
            assertThatThrownBy(() -> f.writer.read(c -> 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    /**
     * A read still running at the query timeout is cancelled as TIMED_OUT, and the pool's one connection
     * serves the next read (on SQLite the deadline was cleared from it). Without the timeout the first
     * read would never end (SQLite) or sleep a minute (PostgreSQL): the JUnit timeout catches that.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    @Timeout(120)
    void a_read_past_the_query_timeout_is_cancelled_and_the_connection_reads_again(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind, s -> new ReadPoolSettings(s.jdbcUrl(), "", "", 1,
                s.connectTimeout(), Duration.ofMillis(300)))) {
            String endless = kind == TestDatabase.Kind.SQLITE
                    ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
                    : "SELECT pg_sleep(60)";
            StoreUnavailableException e = unavailable(() -> f.reads.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(endless)) {
                    return rs.next();
                }
            }));
            assertThat(e.reason()).isEqualTo(Reason.TIMED_OUT);

            f.write(events("c", 4));
            assertThat(f.queries.listEvents("w", "c", NOW, null, 15).events()).hasSize(4);
        }
    }

    /**
     * A read holding its snapshot open (a result set half read) does not block the writer: the sink's
     * batch commits within the writer's shortest lock wait (250 ms, after which SQLite would fail it
     * with SQLITE_BUSY), and the open read keeps seeing its snapshot while a new read sees the batch.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(KINDS)
    void an_open_read_does_not_block_the_sinks_writes(TestDatabase.Kind kind) throws Exception {
        try (StoreFixture f = new StoreFixture(kind);
             Database impatientWriter = Database.open(f.db.jdbcUrl(), "", "", Duration.ofMillis(250))) {
            f.write(events("c", 5));
            EventStore writer = new EventStore(impatientWriter);
            List<CleanEvent> batch = events("c2", 50);
            int[] seenByTheOpenRead = new int[1];
            EventStore.WriteResult written = f.reads.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM events")) {
                    assertThat(rs.next()).isTrue(); // the read's snapshot is now open
                    EventStore.WriteResult r = writer.write(batch.stream().map(EventStore.EventRow::of).toList(), List.of());
                    int rows = 1;
                    while (rs.next()) {
                        rows++;
                    }
                    seenByTheOpenRead[0] = rows;
                    return r;
                }
            });
            assertThat(written.eventsInserted()).isEqualTo(50);
            assertThat(seenByTheOpenRead[0]).as("the open read's snapshot").isEqualTo(5);
            assertThat(f.queries.listEvents("w", "c2", NOW, null, 100).events()).hasSize(50);
        }
    }

    /** SQLite in WAL mode: another connection holding the write lock (a long batch) does not stop reads. */
    @Test
    void sqlite_reads_go_on_while_a_writer_holds_the_write_lock() throws Exception {
        try (StoreFixture f = new StoreFixture(TestDatabase.Kind.SQLITE)) {
            f.write(events("c", 7));
            f.db.startOutage(); // BEGIN EXCLUSIVE on another connection
            try {
                assertThat(f.queries.listEvents("w", "c", NOW, null, 15).events()).hasSize(7);
            } finally {
                f.db.endOutage();
            }
        }
    }

    /**
     * PostgreSQL behind a cut network: reads fail as UNREACHABLE within the connect timeout (not
     * hanging on the socket), and the same pool reads again once the network is back.
     */
    @Test
    void postgresql_behind_a_cut_network_is_unreachable_and_the_pool_recovers() throws Exception {
        try (StoreFixture f = new StoreFixture(TestDatabase.Kind.POSTGRESQL,
                s -> s.withConnectTimeout(Duration.ofMillis(500)))) {
            f.write(events("c", 3));
            assertThat(f.queries.listEvents("w", "c", NOW, null, 15).events()).hasSize(3);
            f.db.startOutage();
            try {
                assertThat(unavailable(() -> f.queries.listEvents("w", "c", NOW, null, 15)).reason()).isEqualTo(Reason.UNREACHABLE);
            } finally {
                f.db.endOutage();
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
                    .until(() -> f.queries.listEvents("w", "c", NOW, null, 15).events().size() == 3);
        }
    }
}
