package dev.eventpipeline.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {

    private static final ConfigDef DEF = KafkaSettings.define(new ConfigDef())
            .define("rate.limit.app.per.minute", Type.INT, 10_000, Importance.MEDIUM, "calls per minute")
            .define("jdbc.url", Type.STRING, "jdbc:sqlite:x.db", Importance.HIGH, "database");

    @TempDir
    Path dir;

    @Test
    void a_misspelt_key_on_the_command_line_fails_naming_it_and_the_declared_name() {
        assertThatThrownBy(() -> ConfigSources.load(DEF, Map.of(), null, Map.of("rate.limit.app.per.minit", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting 'rate.limit.app.per.minit' in --set; did you mean 'rate.limit.app.per.minute'?");
    }

    @Test
    void a_misspelt_key_in_the_file_fails_naming_the_file() throws Exception {
        Path file = dir.resolve("ingest.properties");
        Files.writeString(file, "topic.prefx=acme.\n");
        assertThatThrownBy(() -> ConfigSources.load(DEF, Map.of(), file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting 'topic.prefx' in " + file + "; did you mean 'topic.prefix'?");
    }

    @Test
    void kafka_client_properties_pass_through_and_the_environment_is_read_for_declared_names_only() {
        Map<String, Object> loaded = ConfigSources.load(DEF,
                Map.of("RATE_LIMIT_APP_PER_MINUTE", "600", "RATE_LIMIT_APP_PER_MINIT", "5", "KAFKA_HOME", "/opt/kafka",
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
                null, Map.of("kafka.linger.ms", "7", "kafka.anything.the.client.may.know", "x"));
        assertThat(loaded).containsOnlyKeys("rate.limit.app.per.minute", "kafka.security.protocol", "kafka.linger.ms",
                "kafka.anything.the.client.may.know");
        assertThat(loaded).containsEntry("rate.limit.app.per.minute", "600");
    }

    @Test
    void the_effective_configuration_shows_defaults_and_pass_through_with_credentials_hidden() {
        AbstractConfig config = new AbstractConfig(DEF, Map.of("jdbc.url", "jdbc:postgresql://u:secret@h/db?password=secret",
                "kafka.ssl.key.password", "secret", "kafka.acks", "all"), false);
        Map<String, Object> shown = ConfigSources.effective(config);
        assertThat(shown.toString()).doesNotContain("secret");
        assertThat(shown).containsEntry("jdbc.url", "jdbc:postgresql://u:[hidden]@h/db?password=[hidden]")
                .containsEntry("rate.limit.app.per.minute", "10000")
                .containsEntry("kafka.acks", "all")
                .containsEntry("kafka.ssl.key.password", "[hidden]");
    }
}
