package dev.eventpipeline.bench.pipeline;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP load: {@code wrk} with {@code events.lua}, which posts distinct events and prints one
 * {@code BENCH …} line of results. wrk is a C load generator that costs a few microseconds per request,
 * so on a machine of two cores it leaves the server most of the CPU.
 */
final class Wrk {

    static final String INSTALL_HINT = "the pipeline benchmark needs wrk on the PATH: apt-get install wrk (Debian, Ubuntu),"
            + " brew install wrk (macOS), or build it from https://github.com/wg/wrk";

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S*)");

    private Wrk() {}

    /**
     * What one wrk run measured. Latencies are wrk's, of the requests that completed (a closed loop: each
     * connection sends its next request when the previous one is answered). {@code cpuTicks} is wrk's own
     * CPU, so a reader can see what the load generator took of the shared cores.
     */
    record Result(long requests, double seconds, long p50Micros, long p90Micros, long p99Micros, long maxMicros,
                  long socketErrors, Map<Integer, Long> statuses, long cpuTicks) {

        long answered2xx() {
            return statuses.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToLong(Map.Entry::getValue).sum();
        }

        /** Answers other than 2xx, by status. */
        Map<Integer, Long> non2xx() {
            Map<Integer, Long> out = new TreeMap<>();
            statuses.forEach((status, n) -> {
                if (status / 100 != 2) {
                    out.put(status, n);
                }
            });
            return out;
        }
    }

    /** Parses the {@code BENCH} line that {@code events.lua}'s {@code done()} prints. */
    static Result parse(String output, long cpuTicks) {
        String line = output.lines().filter(l -> l.startsWith("BENCH ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk printed no BENCH line:\n" + output));
        Map<String, String> f = new TreeMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        Map<Integer, Long> statuses = new TreeMap<>();
        String list = f.getOrDefault("statuses", "");
        if (!list.isEmpty()) {
            for (String pair : list.split(",")) {
                String[] kv = pair.split(":");
                statuses.merge(Integer.parseInt(kv[0]), Long.parseLong(kv[1]), Long::sum);
            }
        }
        long socketErrors = 0;
        for (String k : List.of("connect_errors", "read_errors", "write_errors", "timeouts")) {
            socketErrors += number(f, k);
        }
        return new Result(number(f, "requests"), number(f, "duration_us") / 1e6, number(f, "p50_us"), number(f, "p90_us"),
                number(f, "p99_us"), number(f, "max_us"), socketErrors, Collections.unmodifiableMap(statuses), cpuTicks);
    }

    private static long number(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalStateException("wrk's BENCH line has no " + key + ": " + fields);
        }
        // LuaJIT may print an integral double as 1.5e+06 or 12.0.
        return Math.round(Double.parseDouble(v));
    }

    static void requireInstalled() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "wrk"))) {
                return;
            }
        }
        throw new IllegalStateException(INSTALL_HINT);
    }

    /** Writes {@code events.lua} into {@code dir} (wrk reads its script from a file). */
    static Path writeScript(Path dir) throws IOException {
        Path script = dir.resolve("events.lua");
        try (InputStream in = Wrk.class.getResourceAsStream("events.lua")) {
            if (in == null) {
                throw new IllegalStateException("events.lua is missing from the benchmark's jar");
            }
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /**
     * Runs wrk for {@code duration} and returns its results; its whole output goes to {@code log}. wrk runs
     * under {@code sh}, which prints its own {@code /proc} stat after wrk has exited: the children's CPU
     * there is wrk's.
     */
    static Result run(Path script, String baseUrl, int threads, int connections, Duration duration, List<String> scriptArgs, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "wrk \"$@\"; rc=$?; echo \"SHELL $(cat /proc/$$/stat)\"; exit $rc", "sh",
                "-t" + threads, "-c" + connections, "-d" + Math.max(1, duration.toSeconds()) + "s",
                // Longer than produce.timeout (5 s): a request the API answers 503 after waiting for Kafka
                // is then counted as a 503, not as a wrk timeout without a status.
                "--timeout", "10s",
                "-s", script.toString(), baseUrl, "--"));
        command.addAll(scriptArgs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (exit != 0) {
            throw new IllegalStateException("wrk failed (exit " + exit + "):\n" + output);
        }
        long cpuTicks = output.lines().filter(l -> l.startsWith("SHELL ")).findFirst()
                .map(l -> ProcStat.parse(l.substring("SHELL ".length())).childrenTicks()).orElse(0L);
        return parse(output, cpuTicks);
    }
}
