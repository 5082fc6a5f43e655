package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadGroupsTest {

    @Test
    void puts_the_standalone_pipelines_threads_in_their_stage() {
        // Names as jcmd printed them for the standalone pipeline (Kafka 4.4, Javalin 7), and native comms.
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("JettyServerThreadPool-126", ThreadGroups.INGEST);
        expected.put("JettyServerThreadPool-127-acceptor-0@5d682c5b-oejs.ServerConnector@53afd986{HTTP/1.1, (http/1.1)}{127.0.0.1:41411}",
                ThreadGroups.INGEST);
        expected.put("Scheduler-103788407-1", ThreadGroups.INGEST);
        expected.put("Scheduler--5512-1", ThreadGroups.INGEST);
        expected.put("ingest-contacts-loader", ThreadGroups.INGEST);
        expected.put("kafka-producer-network-thread | ingest-api", ThreadGroups.INGEST_PRODUCER);
        expected.put("data-plane-kafka-request-handler-3", ThreadGroups.BROKER);
        expected.put("data-plane-kafka-network-thread-1-PLAINTEXT-PLAINTEXT-0", ThreadGroups.BROKER);
        expected.put("kafka-1-raft-io-thread", ThreadGroups.BROKER);
        expected.put("quorum-controller-1-event-handler", ThreadGroups.BROKER);
        expected.put("ExpirationReaper-1-Produce", ThreadGroups.BROKER);
        expected.put("TxnMarkerSenderThread-1", ThreadGroups.BROKER);
        expected.put("group-coordinator-event-processor-2", ThreadGroups.BROKER);
        expected.put("kafka-scheduler-7", ThreadGroups.BROKER);
        expected.put("event-pipeline-dedupe-8226fb52-e55d-4aba-a350-808a61523359-StreamThread-1", ThreadGroups.DEDUPE);
        expected.put("kafka-producer-network-thread | event-pipeline-dedupe-8226fb52-e55d-4aba-a350-808a61523359-StreamThread-1-producer",
                ThreadGroups.DEDUPE);
        expected.put("kafka-coordinator-heartbeat-thread | event-pipeline-dedupe", ThreadGroups.DEDUPE);
        expected.put("rocksdb:low", ThreadGroups.DEDUPE);
        expected.put("event-sink-loop", ThreadGroups.SINK);
        expected.put("event-sink-writer", ThreadGroups.SINK);
        expected.put("kafka-coordinator-heartbeat-thread | event-pipeline-sink", ThreadGroups.SINK);
        expected.put("C2 CompilerThread0", ThreadGroups.JIT);
        expected.put("C2 CompilerThre", ThreadGroups.JIT); // a retired compiler thread, known by its comm only
        expected.put("C1 CompilerThread0", ThreadGroups.JIT);
        expected.put("GC Thread#1", ThreadGroups.GC);
        expected.put("G1 Refine#0", ThreadGroups.GC);
        expected.put("G1 Main Marker", ThreadGroups.GC);
        expected.put("VM Thread", ThreadGroups.OTHER);
        expected.put("kafka-producer-network-thread | producer-1", ThreadGroups.OTHER);
        expected.put("kafka-admin-client-thread | adminclient-5", ThreadGroups.OTHER);
        expected.put("java", ThreadGroups.OTHER);
        expected.put("Thread-2", ThreadGroups.UNCLASSIFIED);
        expected.put("something-new", ThreadGroups.UNCLASSIFIED);

        Map<String, String> actual = new LinkedHashMap<>();
        expected.keySet().forEach(name -> actual.put(name, ThreadGroups.classify(name)));

        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void the_printed_rules_name_every_group_that_has_a_rule_and_the_unclassified_one() {
        assertThat(ThreadGroups.describe()).hasSize(ThreadGroups.RULES.size() + 1);
        for (String group : ThreadGroups.GROUPS) {
            assertThat(ThreadGroups.describe()).anySatisfy(line -> assertThat(line).startsWith(group + ": "));
        }
    }
}
