package dev.eventpipeline.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"PT336H, 14d", "PT36H, 36h", "PT90M, 90m", "PT90S, 90s", "PT0.25S, 250ms", "PT1.5S, 1500ms", "PT0S, 0s"})
    void formats_in_the_shortest_unit_that_parse_reads_back(String iso, String shown) {
        Duration d = Duration.parse(iso);
        assertThat(Durations.format(d)).isEqualTo(shown);
        assertThat(Durations.parse(shown)).isEqualTo(d);
    }
}
