package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;

/** The jar's command line refuses bad settings before it connects to anything. */
class DedupeMainTest {

    @Test
    void a_misspelt_key_stops_start_up_with_exit_code_2_naming_it_and_the_key_meant() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new DedupeMain()).execute("--set", "dedupe.windw=1d"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).isEqualTo("dedupe-stream: unknown setting 'dedupe.windw' in --set; did you mean 'dedupe.window'?"
                + System.lineSeparator());
    }

    @Test
    void a_bad_value_stops_start_up_with_exit_code_2_naming_the_key() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new DedupeMain()).execute("--set=dedupe.window=a week"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().lines()).singleElement().asString().startsWith("dedupe-stream: ").contains("dedupe.window", "a week");
    }

    @Test
    void kafka_client_properties_pass_through_without_being_declared() {
        DedupeMain main = new DedupeMain();
        CommandLines.create(main).parseArgs("--set", "kafka.session.timeout.ms=6000");
        assertThat(main.config(java.util.Map.of()).originalsWithPrefix("kafka.")).containsEntry("session.timeout.ms", "6000");
    }
}
