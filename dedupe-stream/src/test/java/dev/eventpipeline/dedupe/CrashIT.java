package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.ChildJvm;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream process is killed (SIGKILL: no commit, no leaving the group, a transaction left open) while a
 * load is being produced and processed, then started again on the same state directory. Expected after
 * the fault: the open transaction is aborted (read-committed readers never see its records), the restarted
 * instance restores its stores from the changelogs and reprocesses from the last committed offsets, and
 * the invariant holds exactly: every raw record in one output, no event id twice in clean-events.
 */
class CrashIT {

    private static final Path JAR = Path.of("target", "dedupe-stream.jar");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path stateDir;

    @Test
    void instance_killed_mid_load_restarts_and_nothing_is_lost_or_doubled() throws Exception {
        assertThat(JAR).as("the runnable jar, built by the package phase").exists();
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("CrashIT seed " + seed + " (rerun with -Ddedupe.seed=" + seed + ")");
        String bootstrap = SharedKafka.bootstrapServers();
        String prefix = TestTopics.uniquePrefix("crash");
        // One hot event name: every task de-duplicates part of it and one owner task holds its definition.
        MixedLoad load = MixedLoad.generate(seed, Topics.RAW_EVENTS.name(prefix), ConservationIT.TOTAL, 0.15, 500, Instant.now(), 1);
        Path log = Path.of("target", "crash-it", prefix + "log");

        CompletableFuture<Void> producing;
        try (ChildJvm first = start(bootstrap, prefix, log)) {
            awaitRunning(first, 1);
            producing = CompletableFuture.runAsync(() -> Pipeline.produce(bootstrap, load.records));
            long seen = Pipeline.awaitOutputs(bootstrap, prefix, load.records.size() / 5, TIMEOUT);
            first.kill(Duration.ofSeconds(30));
            assertThat(seen).as("killed mid-load").isLessThan(load.records.size());
            assertThat(Pipeline.committedOutputs(bootstrap, prefix)).as("outputs committed when the instance died")
                    .isLessThan(load.records.size());
        }
        // The rest of the load arrives while no instance runs.
        producing.get();

        try (ChildJvm second = start(bootstrap, prefix, log)) {
            awaitRunning(second, 2);
            Pipeline.awaitOutputs(bootstrap, prefix, load.records.size(), TIMEOUT);
            second.stop(Duration.ofSeconds(60));
        }
        Pipeline.assertConserved(bootstrap, prefix, load);
    }

    private ChildJvm start(String bootstrap, String prefix, Path log) {
        return ChildJvm.start(List.of("-Xmx384m"), List.of("-jar", JAR.toString(),
                "--set=kafka.bootstrap.servers=" + bootstrap,
                "--set=topic.prefix=" + prefix,
                "--set=topic.partitions=3",
                "--set=application.id=" + prefix + "dedupe",
                "--set=state.dir=" + stateDir,
                "--set=management.port=-1",
                // The killed member never leaves the group: the broker's minimum session timeout lets the
                // restarted one take its partitions in seconds instead of the default 45 s.
                "--set=kafka.session.timeout.ms=6000",
                "--set=kafka.heartbeat.interval.ms=1000"), log);
    }

    private static void awaitRunning(ChildJvm child, int times) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!child.process().isAlive()) {
                throw new AssertionError("dedupe-stream exited with " + child.process().exitValue() + ":\n" + child.tail());
            }
            // The log file is shared by both runs: the n-th run is up when the line appears n times.
            return child.output().split("dedupe-stream RUNNING", -1).length - 1 >= times;
        });
    }
}
