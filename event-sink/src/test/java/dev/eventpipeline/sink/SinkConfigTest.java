package dev.eventpipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.sink.store.SqlDialect;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    @Test
    void defaults_write_to_a_sqlite_file_under_data_with_the_documented_group() {
        SinkConfig c = new SinkConfig(Map.of());
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:sqlite:./data/events.db");
        assertThat(c.dialect()).isEqualTo(SqlDialect.SQLITE);
        assertThat(c.groupId()).isEqualTo("event-pipeline-sink");
        assertThat(c.batchSize()).isEqualTo(1000);
        assertThat(c.batchLinger()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.offsetCommitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.managementPort()).isEqualTo(8083);
    }

    @Test
    void an_offset_commit_interval_of_zero_means_after_every_batch_and_a_negative_one_is_refused() {
        assertThat(new SinkConfig(Map.of("offset.commit.interval", "0ms")).offsetCommitInterval()).isZero();
        assertThat(new SinkConfig(Map.of("offset.commit.interval", "PT0S")).offsetCommitInterval()).isZero();
        assertThatThrownBy(() -> new SinkConfig(Map.of("offset.commit.interval", "-PT1S")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("offset.commit.interval").hasMessageContaining("zero or more");
        assertThatThrownBy(() -> new SinkConfig(Map.of("batch.linger", "0ms")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch.linger").hasMessageContaining("positive");
    }

    @Test
    void reads_postgresql_url_and_short_durations() {
        SinkConfig c = new SinkConfig(Map.of("jdbc.url", "jdbc:postgresql://db:5432/events", "batch.linger", "2s",
                "retry.backoff.max", "1m"));
        assertThat(c.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(c.batchLinger()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void rejects_an_unsupported_jdbc_url_naming_the_key() {
        assertThatThrownBy(() -> new SinkConfig(Map.of("jdbc.url", "jdbc:mysql://x/y")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("jdbc.url");
    }

    @Test
    void rejects_a_batch_size_of_zero_naming_the_key() {
        assertThatThrownBy(() -> new SinkConfig(Map.of("batch.size", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch.size");
    }

    @Test
    void rejects_a_linger_that_is_not_a_duration_naming_the_key() {
        assertThatThrownBy(() -> new SinkConfig(Map.of("batch.linger", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch.linger");
    }

    @Test
    void rejects_an_initial_backoff_longer_than_the_maximum() {
        assertThatThrownBy(() -> new SinkConfig(Map.of("retry.backoff.initial", "1m", "retry.backoff.max", "10s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retry.backoff.initial");
    }

    @Test
    void hides_the_database_password_when_the_effective_config_is_logged() {
        SinkConfig c = new SinkConfig(Map.of("jdbc.password", "s3cret"));
        assertThat(c.jdbcPassword()).isEqualTo("s3cret");
        assertThat(ConfigSources.effective(c).toString()).doesNotContain("s3cret");
    }

    @Test
    void main_takes_environment_then_arguments_with_arguments_winning() {
        SinkMain main = new SinkMain();
        CommandLines.create(main).parseArgs("--set", "batch.size=7");
        SinkConfig c = main.config(Map.of("BATCH_SIZE", "5", "JDBC_URL", "jdbc:postgresql://h/db", "GROUP_ID", "g"));
        assertThat(c.batchSize()).isEqualTo(7);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(c.groupId()).isEqualTo("g");
    }
}
