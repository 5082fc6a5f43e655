package dev.eventpipeline.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a whole topic as another team's consumer would: {@code read_committed}, no consumer group,
 * from the beginning of every partition.
 */
public final class TopicReader {

    private TopicReader() {}

    /** Every committed record present now (up to the last stable offset of each partition). */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(
            String bootstrap, String topic, Deserializer<K> keys, Deserializer<V> values, Duration timeout) {
        try (KafkaConsumer<K, V> consumer = consumer(bootstrap, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<K, V>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within " + timeout
                            + "; read " + out.size() + " records");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    /**
     * Polls until the records present satisfy {@code done} (for example "at least n records"), then
     * returns them; fails after {@code timeout}. Bounded polling, never a sleep.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readUntil(
            String bootstrap, String topic, Deserializer<K> keys, Deserializer<V> values,
            Predicate<List<ConsumerRecord<K, V>>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<K, V>> last = List.of();
        while (System.nanoTime() < deadline) {
            last = readToEnd(bootstrap, topic, keys, values, timeout);
            if (done.test(last)) {
                return last;
            }
        }
        throw new AssertionError("condition not met on " + topic + " within " + timeout + "; last read " + last.size() + " records");
    }

    private static <K, V> boolean reached(KafkaConsumer<K, V> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static <K, V> KafkaConsumer<K, V> consumer(String bootstrap, Deserializer<K> keys, Deserializer<V> values) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // What other teams are told to use: aborted transactions (a crashed stream task) stay hidden.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), keys, values);
    }
}
