package dev.eventpipeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo entry point run as an operator would: {@code java -cp … ClusterMain --data-dir DIR}, then SIGTERM or kill -9. */
class ClusterMainIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void prints_ready_stops_every_node_on_sigterm_comes_back_on_the_same_ports_and_leaves_no_node_behind_when_killed() throws Exception {
        Path data = dir.resolve("cluster");
        String topic = "demo";
        List<String> sent = IntStream.range(0, 50).mapToObj(i -> "record-" + i).collect(Collectors.toList());

        Process first = startClusterMain(data, dir.resolve("first.log"));
        String ready;
        List<ProcessHandle> nodes;
        try {
            ready = awaitReadyLine(first, dir.resolve("first.log"));
            assertThat(ready).matches("READY kafka=127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+");
            nodes = first.toHandle().children().collect(Collectors.toList());
            assertThat(nodes).hasSize(3).allMatch(ProcessHandle::isAlive);
            String bootstrap = ready.substring("READY kafka=".length());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                // No replication factor given: the cluster's default (3) applies.
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(2), Optional.empty()))).all().get(60, TimeUnit.SECONDS);
                assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic).partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            }
            produce(bootstrap, topic, sent);
        } finally {
            first.destroy();
        }

        // SIGTERM to the launcher alone: it stops its nodes, and none is left behind.
        assertThat(first.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("ClusterMain exits after SIGTERM").isTrue();
        for (ProcessHandle node : nodes) {
            assertThat(node.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isAlive()).isFalse();
        }
        assertThat(Files.readString(dir.resolve("first.log"))).contains("stopped");

        // Started again on the same directory it is the same cluster: same ports, same records.
        Process second = startClusterMain(data, dir.resolve("second.log"));
        List<ProcessHandle> orphans;
        try {
            assertThat(awaitReadyLine(second, dir.resolve("second.log"))).isEqualTo(ready);
            assertThat(readAll(ready.substring("READY kafka=".length()), topic)).containsExactlyInAnyOrderElementsOf(sent);
            orphans = second.toHandle().children().collect(Collectors.toList());
            assertThat(orphans).hasSize(3);
        } finally {
            second.destroyForcibly();
        }

        // kill -9 of the launcher runs none of its code, yet its nodes halt by themselves: nothing is left
        // holding the ports or the cores.
        assertThat(second.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        for (ProcessHandle node : orphans) {
            assertThat(node.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isAlive()).isFalse();
        }
    }

    private static Process startClusterMain(Path data, Path log) throws IOException {
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), ClusterMain.class.getName(), "--data-dir", data.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String awaitReadyLine(Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Optional<String> ready = out.lines().filter(l -> l.startsWith("READY ")).findFirst();
            if (ready.isPresent()) {
                return ready.get();
            }
            assertThat(process.isAlive()).as("ClusterMain still running; its output:\n%s", out).isTrue();
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("no READY line within " + START_TIMEOUT + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static void produce(String bootstrap, String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // A topic created a moment ago: one request in flight (KAFKA-15591, see docs/design.md).
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            values.forEach(v -> acks.add(producer.send(new ProducerRecord<>(topic, v, v))));
            for (Future<RecordMetadata> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> readAll(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime() - deadline).as("read %s to its end in time; read %d so far", topic, values.size()).isNegative();
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
