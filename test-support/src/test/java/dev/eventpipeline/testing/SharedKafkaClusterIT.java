package dev.eventpipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.embedded.EmbeddedKafkaCluster;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

class SharedKafkaClusterIT {

    @Test
    void hands_out_every_node_running_and_every_partition_in_sync_after_a_test_left_a_node_killed() throws Exception {
        EmbeddedKafkaCluster cluster = SharedKafkaCluster.get();
        String topic = TestTopics.uniquePrefix("shared-cluster") + "t";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get(60, TimeUnit.SECONDS);
        }
        int victim = cluster.leaderOf(topic, 0);
        // What a careless fault test might leave behind.
        cluster.kill(victim);

        EmbeddedKafkaCluster next = SharedKafkaCluster.get();

        assertThat(next).isSameAs(cluster);
        assertThat(next.nodeIds()).allMatch(next::isRunning);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", next.bootstrapServers()))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions()).hasSize(3).allSatisfy(p -> {
                assertThat(p.leader()).isNotNull();
                assertThat(p.isr()).hasSize(EmbeddedKafkaCluster.REPLICATION_FACTOR);
            });
        }
    }
}
