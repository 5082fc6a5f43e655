package dev.eventpipeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One three-node cluster for the class; each test takes one node down in its own way and puts it back,
 * and {@link #restoreEveryNode} makes sure the next test starts on a healthy cluster whatever happened.
 */
class EmbeddedKafkaClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static EmbeddedKafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedKafkaCluster.builder(dir).build().start();
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void restoreEveryNode() {
        cluster.nodeIds().forEach(cluster::start);
        cluster.awaitHealthy(TIMEOUT);
    }

    @Test
    void accepts_acks_all_writes_while_the_leader_is_stopped_and_the_node_rejoins_the_isr_when_restarted() throws Exception {
        String topic = createTopic("stopped-leader", 2);
        try (Admin admin = admin()) {
            // Replication factor and min ISR come from the cluster's defaults: the topic asked for neither.
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(EmbeddedKafkaCluster.REPLICATION_FACTOR));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("min.insync.replicas").value()).isEqualTo(Integer.toString(EmbeddedKafkaCluster.MIN_IN_SYNC_REPLICAS));
        }
        int leader = cluster.leaderOf(topic, 0);

        cluster.stop(leader);
        // A controlled shutdown takes the node out of every ISR at once, and leadership moves.
        assertThat(cluster.isRunning(leader)).isFalse();
        cluster.awaitInSyncReplicas(topic, 2, TIMEOUT);
        assertThat(cluster.leaderOf(topic, 0)).isNotEqualTo(leader).isPositive();
        List<String> sent = values("while-stopped", 200);
        // Two in-sync replicas are min.insync.replicas: every acks=all write is still acknowledged.
        produce(topic, sent);

        cluster.start(leader);
        cluster.awaitInSyncReplicas(topic, 3, TIMEOUT);
        assertThat(readAll(topic)).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void keeps_every_acknowledged_record_when_the_active_controller_is_killed_and_restarted_on_its_log_directory() throws Exception {
        String topic = createTopic("killed-controller", 3);
        List<String> before = values("before-kill", 150);
        produce(topic, before);
        int victim = cluster.activeController();

        cluster.kill(victim);
        // No controlled shutdown: the node stays in the ISRs until the new controller fences it
        // (broker.session.timeout.ms), so the writes below first wait, then go to two replicas.
        assertThat(cluster.isRunning(victim)).isFalse();
        List<String> during = values("while-killed", 150);
        produce(topic, during);
        assertThat(cluster.activeController()).isNotEqualTo(victim);

        cluster.start(victim);
        cluster.awaitInSyncReplicas(topic, 3, TIMEOUT);
        List<String> expected = new ArrayList<>(before);
        expected.addAll(during);
        // Exactly once each: the idempotent producer's retries during the outage left no duplicates.
        assertThat(readAll(topic)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void commits_and_aborts_transactions_for_a_read_committed_group_while_the_transaction_coordinator_is_stopped() throws Exception {
        String topic = createTopic("stopped-coordinator", 2);
        String transactionalId = "tx-" + UUID.randomUUID();
        List<String> committed = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId)), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            int coordinator;
            try (Admin admin = admin()) {
                coordinator = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                        .get(30, TimeUnit.SECONDS).coordinatorId();
            }

            cluster.stop(coordinator);
            // The producer must find the coordinator's new home (another leader of its
            // __transaction_state partition) for every transaction below, as a Streams task would.
            transaction(producer, topic, values("first-committed", 60), committed, true);
            transaction(producer, topic, values("aborted", 40), committed, false);
            transaction(producer, topic, values("second-committed", 60), committed, true);
        }

        // A consumer group too works with the node down: its coordinator, and the offsets it commits,
        // live on the remaining replicas of __consumer_offsets.
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "group-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // What exactly-once consumers of this pipeline use: aborted records stay hidden.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (read.size() < committed.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
            }
            consumer.commitSync(Duration.ofSeconds(30));
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(committed);
        // Everything committed is there and nothing aborted: reading to the end adds nothing.
        assertThat(readAll(topic)).containsExactlyInAnyOrderElementsOf(committed);
    }

    private static void transaction(KafkaProducer<String, String> producer, String topic, List<String> values,
                                    List<String> committed, boolean commit) {
        producer.beginTransaction();
        values.forEach(v -> producer.send(new ProducerRecord<>(topic, v, v)));
        if (commit) {
            producer.commitTransaction();
            committed.addAll(values);
        } else {
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static String createTopic(String name, int partitions) throws Exception {
        String topic = "cluster-it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        }
        cluster.awaitInSyncReplicas(topic, 3, TIMEOUT);
        return topic;
    }

    private static List<String> values(String label, int count) {
        return IntStream.range(0, count).mapToObj(i -> label + "-" + i).collect(Collectors.toList());
    }

    /** Sends every value and waits for each acknowledgement; fails if any write is refused. */
    private static void produce(String topic, Collection<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(Map.of()),
                new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            values.forEach(v -> acks.add(producer.send(new ProducerRecord<>(topic, v, v))));
            for (Future<RecordMetadata> ack : acks) {
                ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static Map<String, Object> producerConfig(Map<String, Object> extra) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        // The pipeline's delivery settings: a record is acknowledged once min.insync.replicas have it,
        // and retries during a fail-over do not duplicate it.
        conf.put(ProducerConfig.ACKS_CONFIG, "all");
        conf.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One request in flight: a partition created a moment ago can fail an idempotent producer's
        // first batches when several are in flight (KAFKA-15591; see docs/design.md).
        conf.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        conf.putAll(extra);
        return conf;
    }

    /** Every committed value in the topic now, read without a group up to each partition's end. */
    private static List<String> readAll(String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime() - deadline).as("read %s to its end in time; read %d so far", topic, values.size()).isNegative();
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
    }
}
