package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.config.ConfigSources;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void defaults_match_the_documented_contract() {
        IngestConfig c = new IngestConfig(Map.of());
        assertThat(c.httpHost()).isEqualTo("0.0.0.0");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.trustMode()).isFalse();
        assertThat(c.devToken()).isNull();
        assertThat(c.devWorkspace()).isEqualTo("dev");
        assertThat(c.produceTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.getInt(IngestConfig.LIMIT_EVENT_BODY_BYTES)).isEqualTo(64 * 1024);
        assertThat(c.getInt(IngestConfig.LIMIT_BULK_BODY_BYTES)).isEqualTo(2 * 1024 * 1024);
        assertThat(c.getInt(IngestConfig.LIMIT_BULK_ITEMS)).isEqualTo(100);
    }

    @ParameterizedTest
    @CsvSource({"http.port,70000", "contacts.mode,sometimes", "produce.timeout,soon", "limits.bulk.max.items,0",
        "produce.linger,-5ms", "rate.limit.app.per.minute,abc"})
    void a_bad_value_fails_naming_the_key(String key, String value) {
        assertThatThrownBy(() -> new IngestConfig(Map.of(key, value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }

    @Test
    void the_dev_token_is_a_password_and_never_printed() {
        IngestConfig c = new IngestConfig(Map.of("auth.dev.token", "s3cret"));
        assertThat(c.devToken()).isEqualTo("s3cret");
        assertThat(c.values().toString()).doesNotContain("s3cret");
        assertThat(ConfigSources.effective(c).toString()).doesNotContain("s3cret");
    }

    @Test
    void environment_variables_set_keys() {
        Map<String, Object> loaded = ConfigSources.load(IngestConfig.DEF, Map.of("HTTP_PORT", "9999", "CONTACTS_MODE", "trust"), null, Map.of());
        IngestConfig c = new IngestConfig(loaded);
        assertThat(c.httpPort()).isEqualTo(9999);
        assertThat(c.trustMode()).isTrue();
    }
}
