package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The pipeline benchmark's durations: the issue's defaults, and what --quick shortens. */
class PipelineOptionsTest {

    @Test
    void quick_shortens_the_durations_not_given_explicitly() {
        PipelineBench quick = new PipelineBench();
        new CommandLine(quick).parseArgs("--quick", "--measure", "20s");

        quick.applyQuick();

        assertThat(durations(quick)).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(20),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    @Test
    void the_defaults_are_the_issues_load() {
        PipelineBench defaults = new PipelineBench();
        new CommandLine(defaults).parseArgs();

        defaults.applyQuick();

        assertThat(durations(defaults)).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(10));
    }

    private static List<Duration> durations(PipelineBench b) {
        return List.of(b.cold, b.warmup, b.measure, b.bulkWarmup, b.baselineWarmup, b.producerRound);
    }

    @Test
    void bulk_keeps_its_events_in_flight_within_ingest_apis_bound_unless_told_otherwise() {
        PipelineBench defaults = new PipelineBench();
        new CommandLine(defaults).parseArgs();
        PipelineBench fewItems = new PipelineBench();
        new CommandLine(fewItems).parseArgs("--bulk-items", "10");
        PipelineBench told = new PipelineBench();
        new CommandLine(told).parseArgs("--bulk-connections", "256");

        // produce.max.in.flight.requests is 20,000 by default: 200 requests of 100 events.
        assertThat(defaults.bulkConnections()).isEqualTo(200);
        assertThat(fewItems.bulkConnections()).isEqualTo(256);
        assertThat(told.bulkConnections()).isEqualTo(256);
    }
}
