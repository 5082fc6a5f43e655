package dev.eventpipeline.bench.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which stage of the pipeline a thread works for, by its name: the full Java name where {@code jcmd}
 * knows the thread, else its {@code comm} (RocksDB's native threads, the launcher's primordial thread).
 * The first rule whose pattern matches the whole name wins; a name no rule matches is
 * {@value #UNCLASSIFIED}, reported like any group so that no CPU hides. The report prints these rules.
 */
final class ThreadGroups {

    static final String INGEST = "ingest";
    static final String INGEST_PRODUCER = "ingest producer I/O";
    static final String BROKER = "broker";
    static final String DEDUPE = "dedupe-stream";
    static final String SINK = "sink";
    static final String JIT = "JIT compiler";
    static final String GC = "GC";
    static final String OTHER = "other";
    static final String UNCLASSIFIED = "unclassified";

    record Rule(String group, Pattern pattern) {
        boolean matches(String name) {
            return pattern.matcher(name).matches();
        }
    }

    /**
     * In order. The ingest producer's rule comes before the generic Kafka client rules under "other", and
     * the dedupe and sink rules (their application id and group id are in their clients' thread names)
     * before the broker's. Names are those of the standalone pipeline on Kafka 4.4 and Javalin 7.
     */
    static final List<Rule> RULES = List.of(
            rule(INGEST_PRODUCER, "kafka-producer-network-thread \\| ingest-api"),
            // Stream threads, their state updater and cleanup, their producer, heartbeat and admin client
            // all carry the application id; RocksDB's flush and compaction threads are native.
            rule(DEDUPE, ".*event-pipeline-dedupe.*|rocksdb:.*"),
            rule(SINK, "event-sink-.*|.*\\| event-pipeline-sink"),
            // Jetty's request threads and scheduler, and ingest-api's own (contact loader, health probe).
            rule(INGEST, "JettyServerThreadPool-.*|Scheduler--?\\d+-\\d+|ingest-.*"),
            rule(BROKER, "data-plane-kafka-.*|kafka-\\d+-.*|raft-.*|quorum-controller-.*|controller-\\d+-.*|broker-\\d+-.*"
                    + "|ExpirationReaper-.*|kafka-scheduler-\\d+|kafka-log-cleaner-thread-\\d+|group-coordinator-.*|share-.*"
                    + "|transaction-log-manager-\\d+|TxnMarkerSenderThread-\\d+|AddPartitionsToTxnSenderThread-\\d+"
                    + "|LogDirFailureHandler|PersisterStateManager|ShareGroupDLQSendThread|client-metrics-reaper|executor-.*"
                    + "|SensorExpiryThread|metrics-meter-tick-thread-\\d+|ReplicaFetcherThread-.*|kafka-request-handler-.*"),
            rule(JIT, "C[12] CompilerThre.*|Sweeper thread"),
            rule(GC, "GC Thread#\\d+|G1 .*|GC Thr.*"),
            // The JVM's service threads, and Kafka clients whose name does not say whose they are
            // (adminclient-N, producer-N: the sink's dead-letter producer and the services' admin clients).
            rule(OTHER, "VM Thread|VM Periodic Tas.*|Service Thread|Monitor Deflati.*|Signal Dispatch.*|Reference Handl.*"
                    + "|Finalizer|Common-Cleaner|Notification Th.*|Attach Listener|process reaper|main|java|DestroyJavaVM"
                    + "|standalone-shutdown|micrometer-kafka-metrics|kafka-admin-client-thread \\| .*"
                    + "|kafka-producer-network-thread \\| .*|kafka-coordinator-heartbeat-thread \\| .*"));

    /** Every group, in the order the report lists them. */
    static final List<String> GROUPS = List.of(INGEST, INGEST_PRODUCER, BROKER, DEDUPE, SINK, JIT, GC, OTHER, UNCLASSIFIED);

    private ThreadGroups() {}

    private static Rule rule(String group, String regex) {
        return new Rule(group, Pattern.compile(regex));
    }

    static String classify(String threadName) {
        for (Rule rule : RULES) {
            if (rule.matches(threadName)) {
                return rule.group();
            }
        }
        return UNCLASSIFIED;
    }

    /** The rules as the report prints them, one line each. */
    static List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Rule rule : RULES) {
            lines.add(rule.group() + ": " + rule.pattern().pattern());
        }
        lines.add(UNCLASSIFIED + ": any other name");
        return lines;
    }
}
