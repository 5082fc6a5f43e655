package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuUsageTest {

    private static ProcStat.Entry thread(long tid, String comm, long ticks) {
        return new ProcStat.Entry(tid, comm, ticks, 0, 0);
    }

    private static ProcStat.Snapshot snapshot(long processTicks, ProcStat.Entry... threads) {
        Map<Long, ProcStat.Entry> byId = new java.util.HashMap<>();
        for (ProcStat.Entry t : threads) {
            byId.put(t.id(), t);
        }
        return new ProcStat.Snapshot(7, processTicks, byId);
    }

    @Test
    void charges_each_thread_what_it_used_between_the_snapshots_to_its_group() {
        // Jetty thread 10 -> 30 ticks, stream thread 20 -> 25, a Jetty thread born in between used 4, and
        // a C2 thread retired in between was last sampled at 12 after 2 at the start: 10.
        ProcStat.Snapshot start = snapshot(1000, thread(1, "JettyServerThr", 10), thread(2, "event-pipeline-", 20),
                thread(3, "C2 CompilerThre", 2));
        ProcStat.Snapshot end = snapshot(1000 + 20 + 5 + 4 + 10 + 3, thread(1, "JettyServerThr", 30), thread(2, "event-pipeline-", 25),
                thread(4, "JettyServerThr", 4));
        List<ProcStat.Entry> sampled = List.of(thread(1, "JettyServerThr", 28), thread(3, "C2 CompilerThre", 12));
        Map<Long, String> names = Map.of(1L, "JettyServerThreadPool-125",
                2L, "event-pipeline-dedupe-8226fb52-StreamThread-1", 4L, "JettyServerThreadPool-140");

        CpuUsage usage = CpuUsage.between(start, end, sampled, names);

        assertThat(usage.ticks(ThreadGroups.INGEST)).isEqualTo(20 + 4);
        assertThat(usage.ticks(ThreadGroups.DEDUPE)).isEqualTo(5);
        assertThat(usage.ticks(ThreadGroups.JIT)).isEqualTo(10);
        assertThat(usage.processTicks()).isEqualTo(42);
        // 3 ticks of the retired thread after its last sample are only in the process total.
        assertThat(usage.unattributedTicks()).isEqualTo(3);
        assertThat(usage.ticksByGroup().keySet()).containsExactlyElementsOf(ThreadGroups.GROUPS);
    }

    @Test
    void names_the_threads_no_rule_knows_and_adds_up_several_jvms() {
        ProcStat.Snapshot start = snapshot(0, thread(5, "Thread-2", 1));
        ProcStat.Snapshot end = snapshot(9, thread(5, "Thread-2", 10));

        CpuUsage one = CpuUsage.between(start, end, List.of(), Map.of());
        CpuUsage two = one.plus(one);

        assertThat(one.ticks(ThreadGroups.UNCLASSIFIED)).isEqualTo(9);
        assertThat(one.unclassifiedByName()).containsExactly(Map.entry("Thread-2", 9L));
        assertThat(two.ticks(ThreadGroups.UNCLASSIFIED)).isEqualTo(18);
        assertThat(two.processTicks()).isEqualTo(18);
        assertThat(two.unclassifiedByName()).containsExactly(Map.entry("Thread-2", 18L));
    }
}
