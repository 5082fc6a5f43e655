package dev.eventpipeline.bench.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time as Linux accounts it in {@code /proc}, in clock ticks: per thread from
 * {@code /proc/<pid>/task/<tid>/stat}, per process from {@code /proc/<pid>/stat} (which also keeps the
 * time of threads that have ended, so the two differ by what ended threads used).
 */
final class ProcStat {

    private ProcStat() {}

    /** One stat line: the thread's (or process's) id, its 15-character {@code comm}, and its times. */
    record Entry(long id, String comm, long userTicks, long systemTicks, long childrenTicks) {
        long ticks() {
            return userTicks + systemTicks;
        }
    }

    /** A process's CPU at one moment: its own total and each live thread's. */
    record Snapshot(long pid, long processTicks, Map<Long, Entry> threads) {}

    /**
     * Parses a stat line: {@code pid (comm) state ppid …}, utime and stime being fields 14 and 15, the
     * waited-for children's cutime and cstime fields 16 and 17. {@code comm} may itself hold spaces and
     * parentheses, so the fields are counted from the last {@code ')'}.
     */
    static Entry parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc stat line: " + line);
        }
        long id = Long.parseLong(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        // After ") " comes field 3 (state); field n is at index n - 3.
        String[] fields = line.substring(close + 2).trim().split(" +");
        if (fields.length < 15) {
            throw new IllegalArgumentException("too few fields in /proc stat line: " + line);
        }
        return new Entry(id, comm, Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
    }

    static Snapshot take(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long processTicks = parse(Files.readString(proc.resolve("stat"))).ticks();
            Map<Long, Entry> threads = new HashMap<>();
            List<Path> tasks;
            try (Stream<Path> list = Files.list(proc.resolve("task"))) {
                tasks = list.toList();
            }
            for (Path task : tasks) {
                try {
                    Entry e = parse(Files.readString(task.resolve("stat")));
                    threads.put(e.id(), e);
                } catch (NoSuchFileException ended) {
                    // The thread ended between the listing and the read; the process total keeps its time.
                }
            }
            return new Snapshot(pid, processTicks, threads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc + " (the benchmark needs Linux's /proc)", e);
        }
    }
}
