package dev.eventpipeline.embedded;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -cp standalone/target/event-pipeline.jar dev.eventpipeline.embedded.ClusterMain}: a
 * three-node KRaft cluster on 127.0.0.1 for demos, each node a child JVM. Prints
 * {@code READY kafka=127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3} once every node serves, and stops every
 * node on SIGTERM or SIGINT. Started again on the same data directory it is the same cluster, on the
 * same ports, with every record.
 */
@Command(name = "kafka-cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a real Kafka cluster of three KRaft nodes (replication factor 3, min.insync.replicas=2) on 127.0.0.1.")
public final class ClusterMain implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "./kafka-cluster",
            description = "The nodes' log directories and logs, and the ports chosen on first start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes, each a broker and a controller; at least 3 (default: ${DEFAULT-VALUE}).")
    int nodes;

    public static void main(String[] args) {
        int exit = new CommandLine(new ClusterMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (nodes < EmbeddedKafkaCluster.REPLICATION_FACTOR) {
            throw new ParameterException(spec.commandLine(), "--nodes must be at least " + EmbeddedKafkaCluster.REPLICATION_FACTOR
                    + " (every partition has " + EmbeddedKafkaCluster.REPLICATION_FACTOR + " replicas), not " + nodes);
        }
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder(dataDir).nodes(nodes).build();
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before start so that Ctrl-C during a slow start still stops the nodes started so far.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "kafka-cluster-shutdown"));
        cluster.start();
        System.out.println("READY kafka=" + cluster.bootstrapServers());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
