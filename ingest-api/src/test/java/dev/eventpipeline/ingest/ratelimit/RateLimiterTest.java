package dev.eventpipeline.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimiterTest {

    @ParameterizedTest(name = "{0} a minute is {1} per 10 s")
    @CsvSource({"10000, 1667", "25000, 4167", "1000, 167", "6, 1", "7, 2", "2147483647, 357913942"})
    void per_minute_limits_become_the_ceiling_of_a_sixth_per_window_without_overflow(int perMinute, int perWindow) {
        assertThat(RateLimiter.perWindow(perMinute)).isEqualTo(perWindow);
    }
}
