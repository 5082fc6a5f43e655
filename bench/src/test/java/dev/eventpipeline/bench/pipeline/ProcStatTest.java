package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void reads_utime_and_stime_from_fields_14_and_15_and_the_childrens_from_16_and_17() {
        // A thread's line as Linux writes it; fields 14-17 are 1234, 56, 7, 8.
        String line = "18889 (java) S 1 18886 12508 0 -1 4194304 572 0 0 0 1234 56 7 8 20 0 31 0 255581 9201471488 23789";

        ProcStat.Entry e = ProcStat.parse(line);

        assertThat(e.id()).isEqualTo(18889);
        assertThat(e.comm()).isEqualTo("java");
        assertThat(e.userTicks()).isEqualTo(1234);
        assertThat(e.systemTicks()).isEqualTo(56);
        assertThat(e.ticks()).isEqualTo(1234 + 56);
        assertThat(e.childrenTicks()).isEqualTo(7 + 8);
    }

    @Test
    void a_comm_with_spaces_and_parentheses_does_not_shift_the_fields() {
        // comm is at most 15 characters and may hold anything, ") " included.
        String line = "4242 (C2 Compiler) (x) R 1 2 3 0 -1 0 0 0 0 0 300 20 0 0 20 0 1 0 1 2 3";

        ProcStat.Entry e = ProcStat.parse(line);

        assertThat(e.comm()).isEqualTo("C2 Compiler) (x");
        assertThat(e.ticks()).isEqualTo(320);
    }

    @Test
    void rejects_a_line_that_is_not_a_stat_line() {
        assertThatThrownBy(() -> ProcStat.parse("no parentheses here")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.parse("1 (short) S 1 2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_snapshot_of_this_process_lists_its_threads_and_a_total_at_least_their_sum() {
        ProcStat.Snapshot s = ProcStat.take(ProcessHandle.current().pid());

        assertThat(s.threads()).containsKey(ProcessHandle.current().pid());
        // The process total includes every live thread (and the ended ones); kernel rounding allows a tick per thread.
        long threads = s.threads().values().stream().mapToLong(ProcStat.Entry::ticks).sum();
        assertThat(s.processTicks()).isGreaterThanOrEqualTo(threads - s.threads().size());
    }
}
