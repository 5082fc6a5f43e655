package dev.eventpipeline.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingNamesTest {

    private static final Set<String> DECLARED = Set.of("rate.limit.app.per.minute", "rate.limit.workspace.per.minute",
            "http.port", "http.host", "batch.size", "shutdown.timeout", "kafka.bootstrap.servers");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "rate.limit.app.per.minit, rate.limit.app.per.minute",
        "rate.limit.workspace.per.minutes, rate.limit.workspace.per.minute",
        "http.prot, http.port",
        "RATE_LIMIT_APP_PER_MINUTE, rate.limit.app.per.minute",
        "batch-size, batch.size",
        "shutdown.timout, shutdown.timeout"})
    void suggests_the_declared_name_a_typo_was_meant_to_be(String typo, String meant) {
        assertThat(SettingNames.closest(typo, DECLARED)).contains(meant);
    }

    @ParameterizedTest
    @CsvSource({"colour", "state.directory.of.everything", "x"})
    void suggests_nothing_for_a_name_unlike_any_declared_one(String name) {
        assertThat(SettingNames.closest(name, DECLARED)).isEmpty();
    }

    @Test
    void declared_names_and_anything_under_kafka_are_known() {
        assertThat(SettingNames.isKnown(DECLARED, "http.port")).isTrue();
        assertThat(SettingNames.isKnown(DECLARED, "kafka.security.protocol")).isTrue();
        assertThat(SettingNames.isKnown(DECLARED, "kafka.")).isFalse();
        assertThat(SettingNames.isKnown(DECLARED, "http.prot")).isFalse();
    }

    @Test
    void an_unknown_key_fails_in_one_line_naming_it_its_source_and_the_likely_meaning() {
        assertThatThrownBy(() -> SettingNames.requireKnown(List.of("http.port", "rate.limit.app.per.minit"),
                key -> SettingNames.isKnown(DECLARED, key), DECLARED, "--set"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting 'rate.limit.app.per.minit' in --set; did you mean 'rate.limit.app.per.minute'?");
    }

    @Test
    void several_unknown_keys_are_named_together() {
        assertThatThrownBy(() -> SettingNames.requireKnown(List.of("colour", "http.prot"),
                key -> SettingNames.isKnown(DECLARED, key), DECLARED, "app.properties"))
                .hasMessage("unknown settings in app.properties: 'colour', 'http.prot' (did you mean 'http.port'?)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatCode(() -> SettingNames.requireKnown(List.of("http.port", "kafka.acks"),
                key -> SettingNames.isKnown(DECLARED, key), DECLARED, "--set")).doesNotThrowAnyException();
    }
}
