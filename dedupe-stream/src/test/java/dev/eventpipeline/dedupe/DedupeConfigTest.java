package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import dev.eventpipeline.dedupe.topology.DeadLetterHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupeConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaults_are_a_seven_day_window_and_a_24_hour_metadata_delay() {
        DedupeConfig config = new DedupeConfig(Map.of());
        assertThat(config.dedupeWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(config.metadataDelay()).isEqualTo(Duration.ofHours(24));
        assertThat(config.getString(DedupeConfig.APPLICATION_ID)).isEqualTo("event-pipeline-dedupe");
        assertThat(config.getInt(DedupeConfig.NUM_STREAM_THREADS)).isEqualTo(1);
        assertThat(config.getInt(DedupeConfig.NUM_STANDBY_REPLICAS)).isZero();
    }

    @Test
    void rejects_a_window_that_is_no_duration_naming_the_key() {
        assertThatThrownBy(() -> new DedupeConfig(Map.of(DedupeConfig.DEDUPE_WINDOW, "a week")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DedupeConfig.DEDUPE_WINDOW);
        assertThatThrownBy(() -> new DedupeConfig(Map.of(DedupeConfig.METADATA_DELAY, "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DedupeConfig.METADATA_DELAY);
        assertThatThrownBy(() -> new DedupeConfig(Map.of(DedupeConfig.NUM_STREAM_THREADS, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DedupeConfig.NUM_STREAM_THREADS);
        assertThatThrownBy(() -> new DedupeConfig(Map.of(DedupeConfig.MANAGEMENT_PORT, "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(DedupeConfig.MANAGEMENT_PORT);
    }

    @Test
    void environment_file_and_command_line_are_applied_in_rising_precedence() throws Exception {
        Path file = dir.resolve("dedupe.properties");
        Files.writeString(file, "dedupe.window=3d\nmetadata.delay=2h\nnum.stream.threads=2\n");
        Map<String, Object> values = ConfigSources.load(DedupeConfig.DEF,
                Map.of("DEDUPE_WINDOW", "5d", "METADATA_DELAY", "PT30M"), file, Map.of("dedupe.window", "10s"));
        DedupeConfig config = new DedupeConfig(values);
        assertThat(config.dedupeWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.metadataDelay()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.getInt(DedupeConfig.NUM_STREAM_THREADS)).isEqualTo(2);
    }

    @Test
    void main_reads_key_value_overrides() {
        DedupeMain main = new DedupeMain();
        CommandLines.create(main).parseArgs("--set", "dedupe.window=90s", "--set=metadata.delay=1m");
        DedupeConfig config = main.config(Map.of());
        assertThat(config.dedupeWindow()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.metadataDelay()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void streams_run_exactly_once_with_the_dead_letter_handlers_and_pass_kafka_settings_through() {
        DedupeConfig config = new DedupeConfig(Map.of("kafka.bootstrap.servers", "b:9092", "topic.prefix", "acme.",
                "kafka.security.protocol", "SASL_SSL", "num.standby.replicas", "1", "state.dir", dir.toString()));
        Properties props = DedupeService.streamsProperties(config, DedupeService.settings(config, DedupeMetrics.discarding()));
        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, dir.toString())
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class)
                .containsEntry(DeadLetterHandlers.TOPIC_CONFIG, "acme.dead-letter-events");
        // Streams itself accepts the whole set.
        new StreamsConfig(props);
    }
}
