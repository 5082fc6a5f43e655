package dev.eventpipeline.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@link KafkaNodeMain} child process and its log file. Every start appends to the node's log, so
 * the READY line is looked for only in what this start wrote.
 */
final class NodeProcess {

    private static final long TAIL_BYTES = 4_000;

    private final int nodeId;
    private final Process process;
    private final Path log;
    private final long logOffset;

    private NodeProcess(int nodeId, Process process, Path log, long logOffset) {
        this.nodeId = nodeId;
        this.process = process;
        this.log = log;
        this.logOffset = logOffset;
    }

    static NodeProcess start(int nodeId, List<String> command, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            long offset = Files.exists(log) ? Files.size(log) : 0;
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    // Standard input stays a pipe from this JVM: the child halts when it closes
                    // (KafkaNodeMain --exit-when-stdin-closes), so nodes never outlive their parent.
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new NodeProcess(nodeId, p, log, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + nodeId + ": " + command, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the READY line of this start; fails with the log's tail if the node dies or time runs out. */
    void awaitReady(long deadlineNanos) {
        String prefix = KafkaNodeMain.READY_PREFIX + nodeId + " ";
        long scanned = logOffset;
        while (true) {
            byte[] fresh = read(scanned, Long.MAX_VALUE);
            int complete = fresh.length;
            while (complete > 0 && fresh[complete - 1] != '\n') {
                complete--;
            }
            // Only whole lines: the READY line may be half written.
            for (String line : new String(fresh, 0, complete, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(prefix)) {
                    return;
                }
            }
            scanned += complete;
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka node " + nodeId + " exited with " + process.exitValue()
                        + " before it was ready; " + log + " ends with:\n" + tail());
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IllegalStateException("Kafka node " + nodeId + " not ready in time; " + log + " ends with:\n" + tail());
            }
            waitForExit(Duration.ofMillis(100));
        }
    }

    /** SIGTERM: the node's shutdown hook does a controlled shutdown. Does not wait. */
    void sendTerminate() {
        // Through the handle: Process.destroy() would also close the node's standard input, which the
        // node takes for its parent's death and halts at once, without the controlled shutdown.
        process.toHandle().destroy();
    }

    /** SIGKILL: the node gets no chance to flush or deregister. Waits until the process is gone. */
    void kill(Duration timeout) {
        process.destroyForcibly();
        if (!waitForExit(timeout)) {
            throw new IllegalStateException("Kafka node " + nodeId + " (pid " + process.pid() + ") survived SIGKILL for " + timeout);
        }
    }

    boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka node " + nodeId, e);
        }
    }

    /** The end of what this start wrote to the node's log, for error messages. */
    String tail() {
        return new String(read(logOffset, TAIL_BYTES), StandardCharsets.UTF_8);
    }

    /** At most the last {@code maxBytes} of the log from byte {@code from} on. */
    private byte[] read(long from, long maxBytes) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            long start = Math.max(from, length - maxBytes);
            if (length <= start) {
                return new byte[0];
            }
            byte[] bytes = new byte[(int) (length - start)];
            f.seek(start);
            f.readFully(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }
}
