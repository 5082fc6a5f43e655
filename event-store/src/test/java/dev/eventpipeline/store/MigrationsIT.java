package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.store.EventStore.EventRow;
import dev.eventpipeline.testing.CleanEvents;
import dev.eventpipeline.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The versioned migrations, applied as the sink applies them at start-up. */
class MigrationsIT {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void migrating_twice_is_a_no_op_and_creates_the_three_tables(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            for (int i = 0; i < 2; i++) {
                try (Database d = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5))) {
                    d.awaitAndMigrate(Duration.ofSeconds(30));
                }
            }
            assertThat(db.count("events")).isZero();
            assertThat(db.count("event_summaries")).isZero();
            assertThat(db.count("event_definitions")).isZero();
        }
    }

    /** SQLite only: V2 rebuilds a table that only the SQLite schema has in its V1 form. */
    @Test
    void a_sqlite_file_created_with_v1_keeps_its_summaries_through_v2() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.SQLITE)) {
            Database.createSqliteDirectory(db.jdbcUrl());
            Flyway.configure().dataSource(db.jdbcUrl(), null, null)
                    .locations(SqlDialect.SQLITE.migrationLocation()).target("1").load().migrate();
            try (var c = db.connect(); var s = c.createStatement()) {
                s.execute("INSERT INTO event_summaries VALUES ('w', 'c', 'e', 3, 10, 30)");
            }
            try (Database d = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5))) {
                d.awaitAndMigrate(Duration.ofSeconds(30));
            }
            assertThat(db.rows("SELECT workspace_id, contact_id, event_name, event_count, first_created_at, last_created_at"
                    + " FROM event_summaries")).containsExactly(List.of("w", "c", "e", "3", "10", "30"));
            assertThat(db.rows("SELECT sql FROM sqlite_master WHERE name = 'event_summaries'").get(0).get(0))
                    .contains("WITHOUT ROWID");
        }
    }

    /** The indexes of events, by name, as the database lists them. */
    private static List<String> indexesOfEvents(TestDatabase db, TestDatabase.Kind kind) {
        return db.rows(kind == TestDatabase.Kind.SQLITE
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name"
                : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'events'"
                        + " AND indexname <> 'events_pkey' ORDER BY indexname")
                .stream().map(r -> r.get(0)).toList();
    }

    /**
     * A database migrated before the listing index existed (V2 on SQLite, V1 on PostgreSQL, with rows
     * the sink wrote then) migrates to V3: the old index is replaced, the rows stay, the applied
     * migrations still validate (same checksums from their new module), and the rows are listed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void a_database_of_the_previous_version_gets_the_listing_index_instead_of_the_old_one_and_keeps_its_rows(
            TestDatabase.Kind kind) throws Exception {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        List<CleanEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(CleanEvents.event("w", "c" + i % 3, "e" + i % 2, now.getEpochSecond() - 60L * i));
        }
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.createSqliteDirectory(db.jdbcUrl());
            String previous = kind == TestDatabase.Kind.SQLITE ? "2" : "1";
            Flyway.configure().dataSource(db.jdbcUrl(), null, null).placeholderReplacement(false)
                    .locations(SqlDialect.of(db.jdbcUrl()).migrationLocation()).target(previous).load().migrate();
            assertThat(indexesOfEvents(db, kind)).containsExactly("events_by_contact");
            try (Database before = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5))) {
                // The sink of the previous version writing, without migrating further.
                new EventStore(before).write(events.stream().map(EventRow::of).toList(), List.of());
            }

            try (Database d = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5))) {
                d.awaitAndMigrate(Duration.ofSeconds(30));
            }

            assertThat(indexesOfEvents(db, kind)).containsExactly("events_by_contact_time");
            assertThat(db.count("events")).isEqualTo(30);
            assertThat(db.rows("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"))
                    .containsExactlyElementsOf(kind == TestDatabase.Kind.SQLITE
                            ? List.of(List.of("1", "1"), List.of("2", "1"), List.of("3", "1"))
                            : List.of(List.of("1", "t"), List.of("3", "t")));
            Flyway.configure().dataSource(db.jdbcUrl(), null, null).placeholderReplacement(false)
                    .locations(SqlDialect.of(db.jdbcUrl()).migrationLocation()).load().validate();
            try (Database reads = Database.openForReads(ReadPoolSettings.of(db.jdbcUrl()))) {
                List<String> listed = new EventQueries(reads).listEvents("w", "c1", now, null, 100).events().stream()
                        .map(EventQueries.Event::id).toList();
                assertThat(listed).isEqualTo(events.stream().filter(e -> e.contact().id().equals("c1")).map(CleanEvent::id).toList());
            }
        }
    }

    /** An operator may build the index ahead (CREATE INDEX CONCURRENTLY on PostgreSQL): V3 then only drops the old one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.eventpipeline.testing.TestDatabase#kinds")
    void the_listing_index_built_ahead_of_the_upgrade_is_kept(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabase.create(kind)) {
            Database.createSqliteDirectory(db.jdbcUrl());
            Flyway.configure().dataSource(db.jdbcUrl(), null, null).placeholderReplacement(false)
                    .locations(SqlDialect.of(db.jdbcUrl()).migrationLocation())
                    .target(kind == TestDatabase.Kind.SQLITE ? "2" : "1").load().migrate();
            try (var c = db.connect(); var s = c.createStatement()) {
                s.execute((kind == TestDatabase.Kind.SQLITE ? "CREATE INDEX " : "CREATE INDEX CONCURRENTLY ")
                        + "events_by_contact_time ON events (workspace_id, contact_id, created_at, id)");
            }
            try (Database d = Database.open(db.jdbcUrl(), "", "", Duration.ofSeconds(5))) {
                d.awaitAndMigrate(Duration.ofSeconds(30));
            }
            assertThat(indexesOfEvents(db, kind)).containsExactly("events_by_contact_time");
        }
    }
}
