package dev.eventpipeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a cluster fixes on first use of its directory; nothing here starts a node. */
class EmbeddedKafkaClusterTest {

    @TempDir
    Path dir;

    @Test
    void keeps_the_cluster_id_and_ports_chosen_on_first_use_of_a_directory() {
        EmbeddedKafkaCluster first = EmbeddedKafkaCluster.builder(dir).build();
        EmbeddedKafkaCluster again = EmbeddedKafkaCluster.builder(dir).build();

        assertThat(again.bootstrapServers()).isEqualTo(first.bootstrapServers());
        assertThat(again.clusterId()).isEqualTo(first.clusterId());
        List<String> servers = Arrays.asList(first.bootstrapServers().split(","));
        assertThat(servers).hasSize(3).doesNotHaveDuplicates().allMatch(s -> s.matches("127\\.0\\.0\\.1:\\d+"));
        assertThat(first.nodeIds()).containsExactly(1, 2, 3);
        assertThat(first.nodeIds().stream().map(first::bootstrapServers).collect(Collectors.joining(",")))
                .isEqualTo(first.bootstrapServers());
    }

    @Test
    void chooses_other_ports_and_another_cluster_id_for_another_directory() {
        EmbeddedKafkaCluster one = EmbeddedKafkaCluster.builder(dir.resolve("one")).build();
        EmbeddedKafkaCluster other = EmbeddedKafkaCluster.builder(dir.resolve("other")).build();

        assertThat(other.clusterId()).isNotEqualTo(one.clusterId());
        assertThat(Arrays.asList(other.bootstrapServers().split(",")))
                .doesNotContainAnyElementsOf(Arrays.asList(one.bootstrapServers().split(",")));
    }

    @Test
    void puts_each_node_in_a_directory_and_a_log_file_of_its_own() {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder(dir).build();

        assertThat(cluster.nodeIds().stream().map(cluster::logDir).distinct()).hasSize(3).allMatch(d -> d.startsWith(dir));
        assertThat(cluster.nodeIds().stream().map(cluster::logFile).distinct()).hasSize(3).allMatch(f -> f.startsWith(dir));
        assertThat(cluster.isRunning(1)).isFalse();
    }

    @Test
    void refuses_a_directory_first_used_for_another_number_of_nodes() {
        EmbeddedKafkaCluster.builder(dir).nodes(4).build();

        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder(dir).nodes(3).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4 nodes, not 3");
    }

    @Test
    void refuses_fewer_nodes_than_the_replication_factor() {
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder(dir).nodes(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 3 nodes");
    }

    @Test
    void refuses_node_ids_outside_the_cluster() {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder(dir).build();

        assertThatThrownBy(() -> cluster.stop(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodes are 1 to 3");
        assertThatThrownBy(() -> cluster.kill(4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodes are 1 to 3");
    }
}
