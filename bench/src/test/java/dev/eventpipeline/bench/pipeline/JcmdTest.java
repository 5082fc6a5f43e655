package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JcmdTest {

    /** Excerpts of {@code jcmd <pid> Thread.print} of the standalone pipeline on JDK 17. */
    private static final String JDK17 = """
            18889:
            2026-12-01 21:06:10
            Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing):

            "main" #1 prio=5 os_prio=0 cpu=1520.17ms elapsed=30.12s tid=0x00007fa89802a4f0 nid=0x427a waiting on condition  [0x00007fa8991de000]
               java.lang.Thread.State: WAITING (parking)
            \tat jdk.internal.misc.Unsafe.park(java.base@17.0.15/Native Method)

            "kafka-producer-network-thread | ingest-api" #118 daemon prio=5 os_prio=0 cpu=75.88ms elapsed=21.31s tid=0x00007fa7c8c52d30 nid=0x4397 runnable  [0x00007fa7c88fd000]
               java.lang.Thread.State: RUNNABLE

            "JettyServerThreadPool-127-acceptor-0@5d682c5b-oejs.ServerConnector@53afd986{HTTP/1.1, (http/1.1)}{127.0.0.1:41411}" #127 prio=5 os_prio=0 cpu=1.05ms elapsed=20.1s tid=0x00007fa7b8e1a000 nid=0x4405 runnable  [0x00007fa7af295000]

            "VM Thread" os_prio=0 cpu=105.82ms elapsed=30.14s tid=0x00007fa8980e2e50 nid=0x4286 runnable \s
            "GC Thread#0" os_prio=0 cpu=10.79ms elapsed=4.88s tid=0x00007fd0fc0416a0 nid=0x49cf runnable \s
            JNI global refs: 24, weak refs: 0
            """;

    @Test
    void maps_each_native_thread_id_of_a_jdk17_dump_to_the_full_thread_name() {
        Map<Long, String> names = Jcmd.parseThreadNames(JDK17);

        assertThat(names).containsOnly(
                Map.entry(0x427aL, "main"),
                Map.entry(0x4397L, "kafka-producer-network-thread | ingest-api"),
                Map.entry(0x4405L, "JettyServerThreadPool-127-acceptor-0@5d682c5b-oejs.ServerConnector@53afd986{HTTP/1.1, (http/1.1)}{127.0.0.1:41411}"),
                Map.entry(0x4286L, "VM Thread"),
                Map.entry(0x49cfL, "GC Thread#0"));
    }

    @Test
    void reads_the_decimal_nid_of_later_jdks() {
        String jdk21 = "\"event-sink-writer\" #57 [4711] prio=5 os_prio=0 cpu=12.00ms elapsed=3.00s tid=0x00007f0000000000 nid=4711 waiting on condition\n";

        assertThat(Jcmd.parseThreadNames(jdk21)).containsOnly(Map.entry(4711L, "event-sink-writer"));
    }

    @Test
    void reads_the_used_heap_of_g1() {
        String heapInfo = """
                18889:
                 garbage-first heap   total 397312K, used 27522K [0x0000000687400000, 0x0000000800000000)
                  region size 4096K, 5 young (20480K), 1 survivors (4096K)
                 Metaspace       used 14169K, committed 14464K, reserved 1114112K
                  class space    used 1552K, committed 1664K, reserved 1048576K
                """;

        assertThat(Jcmd.parseHeapUsedBytes(heapInfo)).hasValue(27522L * 1024);
    }

    @Test
    void adds_up_the_generations_of_other_collectors_and_leaves_out_metaspace() {
        String parallel = """
                 PSYoungGen      total 76288K, used 1000K [0x1, 0x2, 0x3)
                  eden space 65536K, 1% used [0x1,0x2,0x3)
                 ParOldGen       total 175104K, used 2000K [0x4, 0x5, 0x6)
                 Metaspace       used 3000K, committed 3500K, reserved 1056768K
                """;

        assertThat(Jcmd.parseHeapUsedBytes(parallel)).hasValue((1000L + 2000L) * 1024);
        assertThat(Jcmd.parseHeapUsedBytes("nothing about a heap")).isEmpty();
    }
}
