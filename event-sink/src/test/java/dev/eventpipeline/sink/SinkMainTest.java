package dev.eventpipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;

/** The jar's command line refuses bad settings before it opens the database or connects to Kafka. */
class SinkMainTest {

    @Test
    void a_misspelt_key_stops_start_up_with_exit_code_2_naming_it_and_the_key_meant() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new SinkMain()).execute("--set", "batch.sise=10"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).isEqualTo("event-sink: unknown setting 'batch.sise' in --set; did you mean 'batch.size'?"
                + System.lineSeparator());
    }

    @Test
    void a_bad_value_stops_start_up_with_exit_code_2_naming_the_key_and_hiding_url_credentials() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new SinkMain())
                .execute("--set", "jdbc.url=jdbc:mysql://app:s3cret@db/events"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().lines()).singleElement().asString().contains("jdbc.url", "jdbc:mysql://app:[hidden]@db/events")
                .doesNotContain("s3cret");
    }
}
