package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ReadPoolSettingsTest {

    private static final ConfigDef DEF = ReadPoolSettings.define(new ConfigDef());

    private static ReadPoolSettings from(Map<String, String> values) {
        return ReadPoolSettings.from(new AbstractConfig(DEF, values, false));
    }

    @Test
    void defaults_read_the_sinks_default_file_with_a_small_pool() {
        ReadPoolSettings s = from(Map.of());
        assertThat(s).isEqualTo(ReadPoolSettings.of("jdbc:sqlite:./data/events.db"));
        assertThat(s.poolSize()).isEqualTo(2);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.queryTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void reads_every_key() {
        ReadPoolSettings s = from(Map.of(
                ReadPoolSettings.JDBC_URL, "jdbc:postgresql://replica:5432/events",
                ReadPoolSettings.JDBC_USER, "reader",
                ReadPoolSettings.JDBC_PASSWORD, "s3cret",
                ReadPoolSettings.POOL_SIZE, "8",
                ReadPoolSettings.CONNECT_TIMEOUT, "500ms",
                ReadPoolSettings.QUERY_TIMEOUT, "PT1M"));
        assertThat(s).isEqualTo(new ReadPoolSettings("jdbc:postgresql://replica:5432/events", "reader", "s3cret", 8,
                Duration.ofMillis(500), Duration.ofMinutes(1)));
    }

    @Test
    void a_bad_value_fails_naming_its_key() {
        assertThatThrownBy(() -> from(Map.of(ReadPoolSettings.JDBC_URL, "jdbc:mysql://x/y")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ReadPoolSettings.JDBC_URL);
        assertThatThrownBy(() -> from(Map.of(ReadPoolSettings.POOL_SIZE, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ReadPoolSettings.POOL_SIZE);
        assertThatThrownBy(() -> from(Map.of(ReadPoolSettings.CONNECT_TIMEOUT, "100ms")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ReadPoolSettings.CONNECT_TIMEOUT)
                .hasMessageContaining("250ms");
        assertThatThrownBy(() -> from(Map.of(ReadPoolSettings.QUERY_TIMEOUT, "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ReadPoolSettings.QUERY_TIMEOUT);
    }

    @Test
    void never_shows_the_password() {
        ReadPoolSettings s = new ReadPoolSettings("jdbc:postgresql://h/db?password=inurl", "u", "s3cret", 2,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("inurl").contains("[hidden]");
    }
}
