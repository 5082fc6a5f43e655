package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SqlDialectTest {

    @Test
    void picks_the_dialect_from_the_url() {
        assertThat(SqlDialect.of("jdbc:sqlite:/tmp/x.db")).isEqualTo(SqlDialect.SQLITE);
        assertThat(SqlDialect.of("jdbc:postgresql://h:5432/db")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThatThrownBy(() -> SqlDialect.of("jdbc:h2:mem:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void postgresql_casts_json_to_json_not_jsonb_so_key_order_is_kept() {
        assertThat(SqlDialect.POSTGRESQL.json()).isEqualTo("CAST(? AS json)");
        assertThat(SqlDialect.SQLITE.json()).isEqualTo("?");
    }

    @Test
    void timestamps_are_fixed_width_utc_with_microseconds() {
        assertThat(SqlDialect.timestamp(Instant.parse("2026-11-27T08:00:00Z"))).isEqualTo("2026-11-27T08:00:00.000000Z");
        assertThat(SqlDialect.timestamp(Instant.parse("2026-11-27T08:00:00.123456789Z"))).isEqualTo("2026-11-27T08:00:00.123456Z");
        assertThat(SqlDialect.timestamp(null)).isNull();
    }

    @Test
    void timestamp_text_sorts_like_the_instants_it_encodes() {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        List<Instant> instants = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // Mixed precisions on purpose: ISO-8601 as Jackson writes it would sort "08:00:00Z" after "08:00:00.5Z".
            long micros = random.nextLong(4_000_000_000_000_000L);
            instants.add(Instant.ofEpochSecond(micros / 1_000_000, random.nextBoolean() ? 0 : (micros % 1_000_000) * 1000));
        }
        List<Instant> byText = new ArrayList<>(instants);
        byText.sort((a, b) -> SqlDialect.timestamp(a).compareTo(SqlDialect.timestamp(b)));
        List<Instant> byTime = new ArrayList<>(instants);
        byTime.sort(null);
        assertThat(byText).as("seed %d", seed).isEqualTo(byTime);
    }

    @Test
    void migrations_live_in_one_folder_per_database() {
        assertThat(SqlDialect.SQLITE.migrationLocation()).isEqualTo("classpath:db/migration/sqlite");
        assertThat(SqlDialect.POSTGRESQL.migrationLocation()).isEqualTo("classpath:db/migration/postgresql");
        assertThat(SqlDialect.class.getResource("/db/migration/sqlite/V1__events_definitions_summaries.sql")).isNotNull();
        assertThat(SqlDialect.class.getResource("/db/migration/sqlite/V2__summaries_without_rowid.sql")).isNotNull();
        assertThat(SqlDialect.class.getResource("/db/migration/postgresql/V1__events_definitions_summaries.sql")).isNotNull();
    }
}
