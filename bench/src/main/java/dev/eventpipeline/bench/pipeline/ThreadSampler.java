package dev.eventpipeline.bench.pipeline;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads the measured JVMs' {@code /proc} thread times once a second while a phase runs and keeps the
 * latest reading of every thread, so that a thread which ends before the phase does (a JIT compiler
 * thread the JVM retires, a client's short-lived thread) is still counted up to its last second.
 * Reading a JVM's ~150 stat files costs a few milliseconds of this JVM's CPU, not the measured ones'.
 */
final class ThreadSampler implements AutoCloseable {

    /** Sampling period: the part of an ended thread's time that goes uncounted is at most this much of its life. */
    private static final long PERIOD_MILLIS = 1_000;

    private final List<Long> pids;
    private final Map<Long, Map<Long, ProcStat.Entry>> latest = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    ThreadSampler(List<Long> pids) {
        this.pids = pids;
        for (long pid : pids) {
            latest.put(pid, new ConcurrentHashMap<>());
        }
        thread = new Thread(this::run, "pipeline-bench-thread-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stopped) {
            for (long pid : pids) {
                try {
                    latest.get(pid).putAll(ProcStat.take(pid).threads());
                } catch (RuntimeException e) {
                    // The JVM ended: the phase itself reports that; stop sampling it.
                    System.out.printf("thread sampler: cannot read /proc/%d any more: %s%n", pid, e.getMessage());
                    stopped = true;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The latest sample of every thread of {@code pid} seen so far. */
    Collection<ProcStat.Entry> seen(long pid) {
        return latest.get(pid).values();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join();
    }
}
