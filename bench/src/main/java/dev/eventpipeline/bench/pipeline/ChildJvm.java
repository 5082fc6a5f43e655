package dev.eventpipeline.bench.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A JVM the benchmark starts, as users start it ({@code java -jar …}): its standard output is copied to
 * {@code <label>.out} in the log directory (and watched for a line that says it is ready), its standard
 * error goes to {@code <label>.err}. Closing it sends SIGTERM, as Ctrl-C or an orchestrator would, and
 * waits for the orderly shutdown.
 */
final class ChildJvm implements AutoCloseable {

    /** Orderly shutdown of the standalone (HTTP, stream, sink, broker) takes seconds; a minute means it hangs. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String label;
    private final Process process;
    private final Path errLog;
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private ChildJvm(String label, Process process, Path errLog) {
        this.label = label;
        this.process = process;
        this.errLog = errLog;
    }

    /** The java running this benchmark, so the children run on the same JDK. */
    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static ChildJvm start(String label, List<String> jvmOptions, List<String> programAndArgs, Path logDir, Predicate<String> readyLine)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.addAll(programAndArgs);
        Path out = logDir.resolve(label + ".out");
        Path err = logDir.resolve(label + ".err");
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        ChildJvm child = new ChildJvm(label, process, err);
        Thread pump = new Thread(() -> child.copyOutput(out, readyLine), label + "-stdout");
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    private void copyOutput(Path out, Predicate<String> readyLine) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter copy = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                copy.println(line);
                if (!ready.isDone() && readyLine.test(line)) {
                    ready.complete(line);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(label + ": reading its output failed", e));
            return;
        }
        ready.completeExceptionally(new IllegalStateException(label + " closed its output without a ready line"));
    }

    /** Waits for the ready line; fails with the process's exit and the end of its standard error if it dies first. */
    String awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return ready.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                if (!process.isAlive()) {
                    throw died("before it was ready");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(label + " not ready within " + timeout + "; its log: " + errLog);
                }
            } catch (ExecutionException e) {
                throw died("before it was ready (" + e.getCause().getMessage() + ")");
            }
        }
    }

    IllegalStateException died(String when) {
        String exit = process.isAlive() ? "still running" : "exit " + process.exitValue();
        return new IllegalStateException(label + " ended " + when + " (" + exit + "); the end of " + errLog + ":\n" + tail(errLog, 30));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String label() {
        return label;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e + ")";
        }
    }

    /** SIGTERM, then the orderly shutdown; SIGKILL only if that hangs. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            System.out.printf("%s did not stop within %s of SIGTERM; killing it%n", label, STOP_TIMEOUT);
            process.destroyForcibly().waitFor();
        }
    }

    /** For the benchmark's own shutdown hook: no child outlives an interrupted run. */
    void kill() {
        process.destroyForcibly();
    }
}
