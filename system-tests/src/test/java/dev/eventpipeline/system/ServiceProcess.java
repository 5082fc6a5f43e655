package dev.eventpipeline.system;

import dev.eventpipeline.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One service instance as an operator runs it: {@code java -jar <module>.jar --set …} in a process of its
 * own, started, killed with SIGKILL and started again on the same settings (and so the same state
 * directory). Each start logs to a file of its own, so waiting for the ready line never sees an earlier run's.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Pattern INGEST_PORT = Pattern.compile("READY ingest-api on port (\\d+)");

    private final String name;
    private final Path jar;
    private final List<String> settings;
    private final Path logDir;
    private final String readyText;
    private int starts;
    private volatile ChildJvm process;
    private volatile int port = -1;

    ServiceProcess(String name, Path jar, List<String> settings, Path logDir, String readyText) {
        this.name = name;
        this.jar = jar;
        this.settings = List.copyOf(settings);
        this.logDir = logDir;
        this.readyText = readyText;
    }

    String name() {
        return name;
    }

    /** Starts the process and waits until its log shows {@code readyText}; fails with the log's tail otherwise. */
    synchronized ServiceProcess start(Duration timeout) {
        List<String> args = new ArrayList<>(List.of("-jar", jar.toString()));
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        starts++;
        ChildJvm child = ChildJvm.start(List.of("-Xmx320m", "-XX:+UseSerialGC"), args, logDir.resolve(name + "-" + starts + ".log"));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!child.output().contains(readyText)) {
            if (!child.process().isAlive()) {
                throw new AssertionError(name + " exited with " + child.process().exitValue() + " before it was ready:\n" + child.tail());
            }
            if (System.nanoTime() > deadline) {
                child.close();
                throw new AssertionError(name + " not ready within " + timeout + ":\n" + child.tail());
            }
            try {
                child.process().waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        Matcher m = INGEST_PORT.matcher(child.output());
        port = m.find() ? Integer.parseInt(m.group(1)) : -1;
        process = child;
        return this;
    }

    /** kill -9: no shutdown hook, no commit, no goodbye to the group. */
    synchronized void kill() {
        ChildJvm child = process;
        process = null;
        port = -1;
        if (child != null) {
            child.kill(Duration.ofSeconds(30));
        }
    }

    boolean isRunning() {
        ChildJvm child = process;
        return child != null && child.process().isAlive();
    }

    /** The HTTP port of an ingest-api instance while it runs, else -1. */
    int port() {
        return isRunning() ? port : -1;
    }

    String tail() {
        ChildJvm child = process;
        return child == null ? "(not running)" : child.tail();
    }

    /** SIGTERM: the graceful stop an orchestrator sends. */
    @Override
    public synchronized void close() {
        ChildJvm child = process;
        process = null;
        if (child != null && child.process().isAlive()) {
            child.stop(Duration.ofSeconds(60));
        }
    }
}
