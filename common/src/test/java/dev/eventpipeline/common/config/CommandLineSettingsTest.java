package dev.eventpipeline.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineSettingsTest {

    @Test
    void reads_the_config_file_and_every_set_override_in_both_spellings() {
        CommandLineSettings s = CommandLineSettings.parse(new String[] {
            "--config", "a.properties", "--set", "batch.size=7", "--set=jdbc.url=jdbc:sqlite:x.db?a=b"});
        assertThat(s.configFile()).isEqualTo(Path.of("a.properties"));
        assertThat(s.overrides()).isEqualTo(Map.of("batch.size", "7", "jdbc.url", "jdbc:sqlite:x.db?a=b"));
        assertThat(CommandLineSettings.parse(new String[] {"--config=b.properties"}).configFile()).isEqualTo(Path.of("b.properties"));
    }

    @Test
    void refuses_unknown_arguments_and_settings_without_a_key_naming_them() {
        assertThatThrownBy(() -> CommandLineSettings.parse(new String[] {"--verbose"})).hasMessageContaining("'--verbose'");
        assertThatThrownBy(() -> CommandLineSettings.parse(new String[] {"--set", "=7"})).hasMessageContaining("'=7'");
        assertThatThrownBy(() -> CommandLineSettings.parse(new String[] {"--config"})).hasMessageContaining("--config needs a value");
    }
}
