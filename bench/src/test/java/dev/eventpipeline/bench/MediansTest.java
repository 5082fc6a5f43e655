package dev.eventpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediansTest {

    @Test
    void the_median_of_an_odd_count_is_the_middle_value_and_of_an_even_count_the_mean_of_the_middle_two() {
        assertThat(Medians.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Medians.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void ratios_pair_the_rounds_instead_of_dividing_the_medians() {
        // Round by round the candidate is at 0.5, 0.8 and 0.9 of the baseline: median 0.8.
        List<Double> candidate = List.of(10.0, 80.0, 45.0);
        List<Double> baseline = List.of(20.0, 100.0, 50.0);

        assertThat(Medians.medianRatio(candidate, baseline)).isEqualTo(0.8);
        // The ratio of the medians (45 / 50) is a different number: the pairing matters.
        assertThat(Medians.median(candidate) / Medians.median(baseline)).isEqualTo(0.9);
    }
}
