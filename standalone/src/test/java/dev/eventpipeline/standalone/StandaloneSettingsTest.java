package dev.eventpipeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.config.SettingsRouter;
import dev.eventpipeline.dedupe.DedupeConfig;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.sink.SinkConfig;
import dev.eventpipeline.testing.ConsoleCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the standalone launcher turns its command line, file and environment into the three services' settings. */
class StandaloneSettingsTest {

    private static final String BROKER = "127.0.0.1:19092";

    @TempDir
    Path dataDir;

    private StandaloneSettings resolve(Map<String, String> env, String... args) {
        StandaloneMain main = new StandaloneMain();
        CommandLines.create(main).parseArgs(args);
        return StandaloneSettings.resolve(main, dataDir, BROKER, env);
    }

    @Test
    void a_service_setting_given_with_set_reaches_that_service() {
        StandaloneSettings s = resolve(Map.of(), "--set", "rate.limit.app.per.minute=600000", "--set", "batch.size=50");
        assertThat(s.ingest().getInt(IngestConfig.RATE_LIMIT_APP_PER_MINUTE)).isEqualTo(600_000);
        assertThat(s.sink().batchSize()).isEqualTo(50);
    }

    @Test
    void a_shared_key_reaches_every_service_and_a_scope_word_aims_it_at_one() {
        StandaloneSettings s = resolve(Map.of(), "--set", "shutdown.timeout=20s", "--set", "sink.shutdown.timeout=10s",
                "--set", "kafka.client.dns.lookup=use_all_dns_ips");
        assertThat(s.dedupe().shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.sink().shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(KafkaSettings.clientProperties(s.ingest())).containsEntry("client.dns.lookup", "use_all_dns_ips");
        assertThat(KafkaSettings.clientProperties(s.sink())).containsEntry("client.dns.lookup", "use_all_dns_ips");
    }

    @Test
    void environment_variables_use_the_jars_names_and_the_scope_word_too() {
        StandaloneSettings s = resolve(Map.of("RATE_LIMIT_WORKSPACE_PER_MINUTE", "90000", "SINK_SHUTDOWN_TIMEOUT", "7s",
                "DEDUPE_WINDOW", "3d", "KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092"));
        assertThat(s.ingest().getInt(IngestConfig.RATE_LIMIT_WORKSPACE_PER_MINUTE)).isEqualTo(90_000);
        assertThat(s.sink().shutdownTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.dedupe().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.dedupe().dedupeWindow()).isEqualTo(Duration.ofDays(3));
        // A shell that ran the separate jars keeps pointing them elsewhere; the standalone uses its own broker.
        assertThat(s.dedupe().getString(KafkaSettings.BOOTSTRAP_SERVERS)).isEqualTo(BROKER);
    }

    @Test
    void a_file_the_environment_and_the_command_line_apply_in_rising_precedence() throws Exception {
        Path file = dataDir.resolve("pipeline.properties");
        Files.writeString(file, "rate.limit.app.per.minute=1200\nmetadata.delay=1h\nbatch.size=20\n");
        StandaloneSettings s = resolve(Map.of("METADATA_DELAY", "2h", "BATCH_SIZE", "30"),
                "--config", file.toString(), "--set", "batch.size=40");
        assertThat(s.ingest().getInt(IngestConfig.RATE_LIMIT_APP_PER_MINUTE)).isEqualTo(1200);
        assertThat(s.dedupe().metadataDelay()).isEqualTo(Duration.ofHours(2));
        assertThat(s.sink().batchSize()).isEqualTo(40);
    }

    @Test
    void the_convenience_options_are_their_keys_and_the_standalone_has_its_own_defaults() {
        StandaloneSettings defaults = resolve(Map.of());
        assertThat(defaults.ingest().httpHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.ingest().httpPort()).isEqualTo(8080);
        assertThat(defaults.sink().jdbcUrl()).isEqualTo("jdbc:sqlite:" + dataDir.resolve("events.db"));
        assertThat(defaults.dedupe().getInt(KafkaSettings.TOPIC_PARTITIONS)).isEqualTo(4);
        assertThat(defaults.tokenGenerated()).isTrue();
        assertThat(defaults.ingest().devToken()).isEqualTo(DevToken.resolve(dataDir, null));

        StandaloneSettings s = resolve(Map.of("HTTP_PORT", "7000"), "--http-port", "9000", "--dedupe-window", "2d",
                "--metadata-delay", "10s", "--topic-partitions", "2", "--dev-token", "t0ken", "--sink-jdbc-url", "jdbc:sqlite:/tmp/x.db");
        assertThat(s.ingest().httpPort()).isEqualTo(9000);
        assertThat(s.dedupe().dedupeWindow()).isEqualTo(Duration.ofDays(2));
        assertThat(s.dedupe().metadataDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.sink().getInt(KafkaSettings.TOPIC_PARTITIONS)).isEqualTo(2);
        assertThat(s.ingest().devToken()).isEqualTo("t0ken");
        assertThat(s.tokenGenerated()).isFalse();
        assertThat(s.sink().jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/x.db");
    }

    @Test
    void an_option_and_a_set_of_the_same_key_are_refused() {
        assertThatThrownBy(() -> resolve(Map.of(), "--http-port", "9000", "--set", "http.port=9001"))
                .isInstanceOf(ConfigException.class).hasMessage("--http-port and --set http.port both set http.port: give one");
    }

    @Test
    void keys_the_launcher_owns_are_fixed_and_refused_with_what_to_use_instead() {
        StandaloneSettings s = resolve(Map.of());
        for (var config : java.util.List.of(s.ingest(), s.dedupe(), s.sink())) {
            assertThat(config.getString(KafkaSettings.BOOTSTRAP_SERVERS)).isEqualTo(BROKER);
            assertThat(config.getShort(KafkaSettings.TOPIC_REPLICATION_FACTOR)).isEqualTo((short) 1);
        }
        assertThat(s.dedupe().getString(DedupeConfig.STATE_DIR)).isEqualTo(dataDir.resolve("streams").toString());
        assertThat(s.dedupe().getInt(DedupeConfig.MANAGEMENT_PORT)).isEqualTo(-1);
        assertThat(s.sink().managementPort()).isEqualTo(-1);

        assertThatThrownBy(() -> resolve(Map.of(), "--set", "kafka.bootstrap.servers=elsewhere:9092"))
                .hasMessageContaining("'kafka.bootstrap.servers'").hasMessageContaining("--kafka-port");
        assertThatThrownBy(() -> resolve(Map.of(), "--set", "sink.management.port=9100"))
                .hasMessageContaining("'sink.management.port'").hasMessageContaining("API port");
        assertThatThrownBy(() -> resolve(Map.of(), "--set", "state.dir=/var/lib/x")).hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> resolve(Map.of(), "--set", "topic.replication.factor=3")).hasMessageContaining("single node");
    }

    @Test
    void a_misspelt_or_misaimed_key_fails_with_the_key_meant() {
        assertThatThrownBy(() -> resolve(Map.of(), "--set", "rate.limit.app.per.minit=5"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting 'rate.limit.app.per.minit' in the command line; did you mean 'rate.limit.app.per.minute'?");
        assertThatThrownBy(() -> resolve(Map.of(), "--set", "ingest.batch.size=5"))
                .hasMessage("unknown setting 'ingest.batch.size' in the command line; did you mean 'sink.batch.size'?");
    }

    @Test
    void a_bad_value_names_the_service_and_the_key() {
        assertThatThrownBy(() -> resolve(Map.of(), "--set", "sink.shutdown.timeout=soon"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("event-sink: ").hasMessageContaining("shutdown.timeout");
    }

    @Test
    void no_name_of_the_three_services_can_mean_two_settings() {
        // The router refuses services where a plain name equals '<scope>.<name>' of another (or the same
        // environment variable): adding such a setting to a service fails here, not in an operator's hands.
        assertThatCode(() -> new SettingsRouter(StandaloneSettings.SERVICES)).doesNotThrowAnyException();
        assertThat(new SettingsRouter(StandaloneSettings.SERVICES).validKeys())
                .contains("dedupe.window", "dedupe.dedupe.window", "sink.shutdown.timeout", "ingest.http.port")
                .doesNotContain("dedupe.jdbc.url");
    }

    @Test
    void a_bad_duration_option_is_a_usage_error_naming_the_option() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new StandaloneMain()).execute("--metadata-delay", "0s"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--metadata-delay", "positive");
    }

    @Test
    void the_ready_line_hides_credentials_of_the_database_url() {
        StandaloneSettings s = resolve(Map.of(), "--sink-jdbc-url", "jdbc:postgresql://app:s3cret@127.0.0.1:5432/test?password=s3cret");
        String line = StandalonePipeline.readyLine(s, 8080, BROKER);
        assertThat(line).startsWith("READY ingest=http://127.0.0.1:8080 kafka=" + BROKER
                + " sink=jdbc:postgresql://app:[hidden]@127.0.0.1:5432/test?password=[hidden] workspace=dev ").doesNotContain("s3cret");
    }

    @Test
    void the_sink_settings_declared_by_sink_config_are_the_ones_routed() {
        assertThat(StandaloneSettings.SERVICES.get(StandaloneSettings.SINK)).isSameAs(SinkConfig.DEF);
    }
}
