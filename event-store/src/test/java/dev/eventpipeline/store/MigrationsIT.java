package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.testing.TestDatabase;
import java.time.Duration;
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
}
