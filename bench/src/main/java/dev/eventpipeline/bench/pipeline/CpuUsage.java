package dev.eventpipeline.bench.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU one JVM spent between two {@link ProcStat.Snapshot}s, by thread group, in clock ticks. A
 * thread that started in between counts from zero. A thread that ended in between is gone from the
 * second snapshot; the last sample taken of it during the interval (see {@link ThreadSampler}) gives its
 * time up to then, which matters because the JIT starts and stops compiler threads as its queue grows
 * and shrinks. What it used after its last sample is only in the process total; so is what threads
 * gained between the read of the process's stat and the reads of theirs (a snapshot is ~150 files).
 * {@link #unattributedTicks} is that remainder, so the groups plus it add up to the whole process.
 *
 * @param unclassifiedByName the names behind {@value ThreadGroups#UNCLASSIFIED}, so that the report can show them
 */
record CpuUsage(Map<String, Long> ticksByGroup, long processTicks, Map<String, Long> unclassifiedByName) {

    /**
     * @param sampledDuring the latest sample of each thread seen during the interval; only those gone by {@code end} are used
     * @param javaNames    native thread id to Java thread name (from jcmd), else the thread's {@code comm} is used
     */
    static CpuUsage between(ProcStat.Snapshot start, ProcStat.Snapshot end, Collection<ProcStat.Entry> sampledDuring,
                            Map<Long, String> javaNames) {
        if (start.pid() != end.pid()) {
            throw new IllegalArgumentException("snapshots of two processes: " + start.pid() + ", " + end.pid());
        }
        Map<String, Long> byGroup = new LinkedHashMap<>();
        for (String group : ThreadGroups.GROUPS) {
            byGroup.put(group, 0L);
        }
        Map<String, Long> unclassified = new TreeMap<>();
        List<ProcStat.Entry> counted = new ArrayList<>(end.threads().values());
        for (ProcStat.Entry last : sampledDuring) {
            if (!end.threads().containsKey(last.id())) {
                counted.add(last);
            }
        }
        for (ProcStat.Entry thread : counted) {
            ProcStat.Entry before = start.threads().get(thread.id());
            long used = thread.ticks() - (before == null ? 0 : before.ticks());
            String name = javaNames.getOrDefault(thread.id(), thread.comm());
            String group = ThreadGroups.classify(name);
            byGroup.merge(group, used, Long::sum);
            if (group.equals(ThreadGroups.UNCLASSIFIED) && used > 0) {
                unclassified.merge(name, used, Long::sum);
            }
        }
        return new CpuUsage(byGroup, end.processTicks() - start.processTicks(), unclassified);
    }

    /** Several JVMs measured over the same interval (ingest alone and the broker it writes to), added up. */
    CpuUsage plus(CpuUsage other) {
        Map<String, Long> sum = new LinkedHashMap<>(ticksByGroup);
        other.ticksByGroup.forEach((group, ticks) -> sum.merge(group, ticks, Long::sum));
        Map<String, Long> names = new TreeMap<>(unclassifiedByName);
        other.unclassifiedByName.forEach((name, ticks) -> names.merge(name, ticks, Long::sum));
        return new CpuUsage(sum, processTicks + other.processTicks, names);
    }

    long ticks(String group) {
        return ticksByGroup.getOrDefault(group, 0L);
    }

    long threadsTicks() {
        return ticksByGroup.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The process's time no thread's accounts for (see above); read skew can make it a little negative. */
    long unattributedTicks() {
        return processTicks - threadsTicks();
    }
}
