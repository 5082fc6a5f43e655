package dev.eventpipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.bench.sink.SinkBench;
import dev.eventpipeline.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The benchmarks' one command line: names, defaults, and the errors that stop a run before it starts. */
class CommandLinesTest {

    private static ConsoleCapture.Result bench(String... args) {
        return ConsoleCapture.run(() -> new CommandLine(new BenchMain()).execute(args));
    }

    @Test
    void without_a_benchmark_it_names_them_and_fails() {
        ConsoleCapture.Result r = bench();

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("pipeline, dedupe, sink or footprint");
    }

    @Test
    void every_benchmark_has_help() {
        for (String name : new String[] {"pipeline", "dedupe", "sink", "footprint"}) {
            ConsoleCapture.Result r = bench(name, "--help");

            assertThat(r.exitCode()).as(name).isZero();
            assertThat(r.stdout()).as(name).contains("Usage: bench " + name);
        }
    }

    @Test
    void the_dedupe_benchmark_refuses_to_let_a_setting_override_what_isolates_its_runs() {
        ConsoleCapture.Result r = bench("dedupe", "--set", "application.id=mine");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--set application.id");
    }

    @Test
    void a_wrong_phase_stops_the_pipeline_benchmark_before_anything_starts() {
        ConsoleCapture.Result r = bench("pipeline", "--phases", "cold,warm");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--phases: warm is not one of");
    }

    @Test
    void an_option_in_the_old_key_value_form_is_refused() {
        assertThat(bench("sink", "rounds=5").exitCode()).isEqualTo(2);
    }

    @Test
    void the_sink_benchmark_takes_its_options_by_name_with_the_old_defaults() {
        SinkBench sink = new SinkBench();
        new CommandLine(sink).parseArgs("--databases", "sqlite", "--warmup-rounds", "2");

        assertThat(sink).extracting("events", "batch", "rounds", "databases", "warmupRounds")
                .containsExactly(200_000, 1_000, 3, java.util.List.of("sqlite"), 2);
    }
}
