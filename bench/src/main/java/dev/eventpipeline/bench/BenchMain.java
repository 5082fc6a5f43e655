package dev.eventpipeline.bench;

import dev.eventpipeline.bench.dedupe.DedupeBench;
import dev.eventpipeline.bench.dedupe.ScalingBench;
import dev.eventpipeline.bench.ingest.ContactViewFootprint;
import dev.eventpipeline.bench.pipeline.PipelineBench;
import dev.eventpipeline.bench.read.ReadBench;
import dev.eventpipeline.bench.sink.SinkBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar bench/target/bench.jar <benchmark> [options]}: runs one benchmark; {@code --help}
 * after a benchmark's name lists its options. Each benchmark measures its candidate against a baseline
 * in the same run, on the same broker or database, and prints both rates and their ratio, so numbers
 * from machines of different speed stay comparable.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of the event pipeline, each against a baseline measured in the same run.",
        subcommands = {PipelineBench.class, DedupeBench.class, ScalingBench.class, ReadBench.class, SinkBench.class, ContactViewFootprint.class})
public final class BenchMain implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    /** No benchmark named: say which there are, and fail so a script notices. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a benchmark: pipeline, dedupe, sink or footprint");
    }
}
