package dev.eventpipeline.bench;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar bench/target/bench.jar <name> [options]}: runs one benchmark. Each benchmark
 * measures its candidate against a baseline in the same run, on the same broker or database, and
 * prints both rates and their ratio, so numbers from machines of different speed stay comparable.
 */
public final class BenchMain {

    /** Benchmark name to class; each class has a {@code main(String[])}. */
    private static final Map<String, String> BENCHMARKS = Map.of(
            "dedupe", "dev.eventpipeline.bench.dedupe.DedupeBench",
            "sink", "dev.eventpipeline.bench.sink.SinkBench");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !BENCHMARKS.containsKey(args[0].toLowerCase(Locale.ROOT))) {
            System.err.println("usage: java -jar bench/target/bench.jar <" + String.join("|", BENCHMARKS.keySet()) + "> [options]");
            System.exit(2);
        }
        // By name, so that one benchmark being absent or broken never stops the others from building.
        Class<?> bench = Class.forName(BENCHMARKS.get(args[0].toLowerCase(Locale.ROOT)));
        Method main = bench.getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
