package dev.eventpipeline.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.config.SettingsRouter.Source;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Routing with services shaped as the real ones: shared keys, and a key that starts with a scope word. */
class SettingsRouterTest {

    private static ConfigDef def(String... names) {
        ConfigDef def = new ConfigDef();
        for (String name : names) {
            def.define(name, Type.STRING, "", Importance.LOW, name);
        }
        return def;
    }

    private static final Map<String, ConfigDef> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("ingest", def("kafka.bootstrap.servers", "startup.timeout", "rate.limit.app.per.minute", "http.port"));
        SERVICES.put("dedupe", def("kafka.bootstrap.servers", "startup.timeout", "shutdown.timeout", "dedupe.window", "management.port"));
        SERVICES.put("sink", def("kafka.bootstrap.servers", "startup.timeout", "shutdown.timeout", "batch.size", "management.port"));
    }

    private final SettingsRouter router = new SettingsRouter(SERVICES)
            .fixed("kafka.bootstrap.servers", "127.0.0.1:1234", "it is the embedded broker's address")
            .fixed("management.port", "-1", "the API port serves every service");

    private Map<String, Map<String, Object>> route(Source... sources) {
        return router.route(List.of(sources));
    }

    @Test
    void a_plain_key_goes_to_every_service_that_declares_it_and_no_other() {
        Map<String, Map<String, Object>> routed = route(Source.of("--set", Map.of("shutdown.timeout", "10s", "rate.limit.app.per.minute", "600000")));
        assertThat(routed.get("ingest")).containsEntry("rate.limit.app.per.minute", "600000").doesNotContainKey("shutdown.timeout");
        assertThat(routed.get("dedupe")).containsEntry("shutdown.timeout", "10s").doesNotContainKey("rate.limit.app.per.minute");
        assertThat(routed.get("sink")).containsEntry("shutdown.timeout", "10s");
    }

    @Test
    void a_scope_word_aims_a_key_at_one_service_and_wins_over_the_plain_key_in_the_same_source() {
        Map<String, Map<String, Object>> routed = route(Source.of("--set", Map.of("sink.shutdown.timeout", "5s", "shutdown.timeout", "20s")));
        assertThat(routed.get("sink")).containsEntry("shutdown.timeout", "5s");
        assertThat(routed.get("dedupe")).containsEntry("shutdown.timeout", "20s");
    }

    @Test
    void a_declared_key_that_starts_with_a_scope_word_stays_plain() {
        Map<String, Map<String, Object>> routed = route(Source.of("--set", Map.of("dedupe.window", "30d")));
        assertThat(routed.get("dedupe")).containsEntry("dedupe.window", "30d");
        assertThat(routed.get("dedupe")).doesNotContainKey("window");
    }

    @Test
    void kafka_client_properties_go_to_every_service_plain_or_to_one_aimed() {
        Map<String, Map<String, Object>> routed = route(Source.of("--set", Map.of("kafka.linger.ms", "7", "sink.kafka.max.poll.records", "50")));
        routed.values().forEach(settings -> assertThat(settings).containsEntry("kafka.linger.ms", "7"));
        assertThat(routed.get("sink")).containsEntry("kafka.max.poll.records", "50");
        assertThat(routed.get("dedupe")).doesNotContainKey("kafka.max.poll.records");
    }

    @Test
    void a_later_source_wins_even_over_a_key_aimed_in_an_earlier_one() {
        Map<String, Map<String, Object>> routed = route(
                Source.of("file.properties", Map.of("sink.shutdown.timeout", "5s")),
                Source.of("--set", Map.of("shutdown.timeout", "60s")));
        assertThat(routed.get("sink")).containsEntry("shutdown.timeout", "60s");
        assertThat(routed.get("dedupe")).containsEntry("shutdown.timeout", "60s");
    }

    @Test
    void the_environment_takes_declared_names_plain_and_aimed_and_nothing_else() {
        Source env = router.environment(Map.of("SHUTDOWN_TIMEOUT", "20s", "SINK_SHUTDOWN_TIMEOUT", "5s", "DEDUPE_WINDOW", "3d",
                "SINK_KAFKA_MAX_POLL_RECORDS", "50", "SINK_HOME", "/opt", "PATH", "/bin", "KAFKA_HOME", "/opt/kafka"));
        assertThat(env.settings()).containsOnlyKeys("shutdown.timeout", "sink.shutdown.timeout", "dedupe.window", "sink.kafka.max.poll.records");
        Map<String, Map<String, Object>> routed = route(env);
        assertThat(routed.get("sink")).containsEntry("shutdown.timeout", "5s").containsEntry("kafka.max.poll.records", "50");
        assertThat(routed.get("dedupe")).containsEntry("shutdown.timeout", "20s").containsEntry("dedupe.window", "3d");
    }

    @Test
    void an_unknown_key_fails_naming_it_with_the_closest_plain_or_aimed_name() {
        assertThatThrownBy(() -> route(Source.of("--set", Map.of("rate.limit.app.per.minit", "5"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting 'rate.limit.app.per.minit' in --set; did you mean 'rate.limit.app.per.minute'?");
        // Aimed at a service that does not declare it: the suggestion is the service that does.
        assertThatThrownBy(() -> route(Source.of("--set", Map.of("sink.rate.limit.app.per.minute", "5"))))
                .hasMessage("unknown setting 'sink.rate.limit.app.per.minute' in --set; did you mean 'ingest.rate.limit.app.per.minute'?");
    }

    @Test
    void a_fixed_key_is_refused_plain_or_aimed_and_its_value_applied() {
        assertThatThrownBy(() -> route(Source.of("--set", Map.of("kafka.bootstrap.servers", "elsewhere:9092"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("'kafka.bootstrap.servers' in --set cannot be set here: it is the embedded broker's address");
        assertThatThrownBy(() -> route(Source.of("app.properties", Map.of("sink.management.port", "9100"))))
                .hasMessage("'sink.management.port' in app.properties cannot be set here: the API port serves every service");
        Map<String, Map<String, Object>> routed = route();
        routed.values().forEach(settings -> assertThat(settings).containsEntry("kafka.bootstrap.servers", "127.0.0.1:1234"));
        assertThat(routed.get("dedupe")).containsEntry("management.port", "-1");
        assertThat(routed.get("ingest")).doesNotContainKey("management.port");
    }

    @Test
    void a_fixed_key_from_the_environment_is_ignored_because_other_programs_share_it() {
        Map<String, Map<String, Object>> routed = route(router.environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092")));
        routed.values().forEach(settings -> assertThat(settings).containsEntry("kafka.bootstrap.servers", "127.0.0.1:1234"));
    }

    @Test
    void refuses_services_where_one_name_could_mean_two_settings() {
        Map<String, ConfigDef> ambiguous = new LinkedHashMap<>();
        ambiguous.put("dedupe", def("dedupe.window", "window"));
        ambiguous.put("sink", def("batch.size"));
        assertThatThrownBy(() -> new SettingsRouter(ambiguous))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'dedupe.window'");
        Map<String, ConfigDef> sameVariable = new LinkedHashMap<>();
        sameVariable.put("sink", def("batch.size"));
        sameVariable.put("other", def("sink_batch.size"));
        assertThatThrownBy(() -> new SettingsRouter(sameVariable))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sink.batch.size'");
    }
}
