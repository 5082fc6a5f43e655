package dev.eventpipeline.bench.dedupe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A JVM of its own for one topology of the benchmark, as JMH forks one per benchmark: in production a
 * topology has its JVM to itself. Run in one JVM one after the other, the four topologies share Kafka
 * Streams' code (source, sink, record collector, stores), so the JIT's type profiles see all four
 * topologies' types. Measured on two cores: the forks did not move the dedupe's ratio (0.61 forked, 0.57
 * shared); the JIT compiles during every run either way, mostly each run's start-up code.
 *
 * <p>The parent ({@link DedupeBench}) keeps the broker and the measuring; a fork only runs its topology
 * when told to. It answers one line per command on standard output:
 * <ul>
 *   <li>{@code run <name>}: starts the topology under application id {@code bench-<name>}; {@code started}</li>
 *   <li>{@code stats}: {@code <process CPU ns> <JIT compile ms>} of this JVM so far</li>
 *   <li>{@code close}: closes the running topology; {@code closed}</li>
 * </ul>
 * End of input ends the fork. Kafka's logging goes to standard error, which the parent passes through.
 */
final class TopologyFork implements AutoCloseable {

    private final Process process;
    private final BufferedReader replies;
    private final PrintStream commands;

    private TopologyFork(Process process) {
        this.process = process;
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts a fork with this JVM's own java, class path and JVM options (agents excepted). */
    static TopologyFork start(List<String> forkArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A profiler agent would write the parent's output file from every fork.
            if (!option.startsWith("-agentpath") && !option.startsWith("-javaagent")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TopologyFork.class.getName());
        command.addAll(forkArgs);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new TopologyFork(process);
    }

    void run(String name) throws IOException {
        expect(ask("run " + name), "started");
    }

    /** This fork's process CPU (ns) and JIT compile time (ms) so far. */
    long[] stats() throws IOException {
        String[] parts = ask("stats").split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    void closeTopology() throws IOException {
        expect(ask("close"), "closed");
    }

    private String ask(String command) throws IOException {
        commands.println(command);
        String reply = replies.readLine();
        if (reply == null) {
            throw new IOException("the fork ended (exit " + (process.isAlive() ? "?" : process.exitValue()) + ") on: " + command);
        }
        return reply;
    }

    private static void expect(String reply, String wanted) throws IOException {
        if (!reply.equals(wanted)) {
            throw new IOException("fork answered '" + reply + "', expected '" + wanted + "'");
        }
    }

    @Override
    public void close() throws InterruptedException {
        commands.close();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
    }

    /** The fork's side: {@code <variant> <DedupeBench settings as --key value pairs>}. */
    public static void main(String[] args) throws IOException {
        // Replies only on the real standard output; anything else printing there would break the protocol.
        PrintStream out = System.out;
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String variant = args[0];
        DedupeBench.ForkSettings settings = DedupeBench.ForkSettings.parse(args);
        KafkaStreams streams = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("run ")) {
                String name = line.substring(4);
                DedupeBench.prepare(settings, variant, name);
                streams = new KafkaStreams(DedupeBench.topology(settings, variant, name), DedupeBench.streamsProperties(settings, name));
                streams.start();
                out.println("started");
            } else if (line.equals("stats")) {
                out.println(DedupeBench.processCpuNanos() + " " + DedupeBench.jitMillis());
            } else if (line.equals("close")) {
                if (streams != null) {
                    streams.close(Duration.ofMinutes(1));
                    streams = null;
                }
                out.println("closed");
            } else {
                out.println("unknown command: " + line);
            }
        }
        if (streams != null) {
            streams.close(Duration.ofMinutes(1));
        }
    }
}
