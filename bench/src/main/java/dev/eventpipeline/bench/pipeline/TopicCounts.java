package dev.eventpipeline.bench.pipeline;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Record counts of the pipeline's topics, for the conservation check. */
final class TopicCounts {

    private TopicCounts() {}

    static int partitions(Admin admin, String topic) throws ExecutionException, InterruptedException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    /**
     * The sum of the partitions' end offsets. That is the record count of a topic written without
     * transactions, such as {@code raw-events} (ingest-api's idempotent producer); a transactional topic
     * also counts its commit markers, so count those with {@link #committedRecords}.
     */
    static long endOffsets(Admin admin, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions(admin, topic); p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    /** Records a read_committed consumer sees from the start of the topic to its end (aborted ones hidden). */
    static long committedRecords(String bootstrap, String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            return count;
        }
    }

    /** The mean size of the first {@code n} values of a topic: what the pipeline's records weigh. */
    static int meanValueBytes(String bootstrap, String topic, int n, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            TopicPartition first = new TopicPartition(topic, 0);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions.isEmpty() ? List.of(first) : partitions);
            consumer.seekToBeginning(consumer.assignment());
            long bytes = 0;
            int seen = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (seen < n && r.value() != null) {
                        bytes += r.value().length;
                        seen++;
                    }
                }
            }
            return seen == 0 ? 0 : (int) (bytes / seen);
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // What other teams see: records of aborted transactions are not events of the pipeline.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
