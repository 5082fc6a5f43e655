package dev.eventpipeline.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One node of an {@link EmbeddedKafkaCluster}, run as a JVM of its own: formats its log directory on
 * first start, starts the node, prints {@code READY node=<id> kafka=127.0.0.1:<port>} and serves until
 * SIGTERM (a controlled shutdown). Each node needs a JVM of its own because the broker's metrics live
 * in static JMX and Yammer registries that two nodes in one JVM would share, and because only a
 * separate process can be killed with {@code kill -9}.
 */
@Command(name = "kafka-node", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one combined broker and controller KRaft node of a multi-node cluster on 127.0.0.1.")
public final class KafkaNodeMain implements Callable<Integer> {

    /** The line the node prints once it serves clients; {@link EmbeddedKafkaCluster} waits for it. */
    static final String READY_PREFIX = "READY node=";

    @Option(names = "--node-id", required = true, description = "node.id, also this node's entry in --voters.")
    int nodeId;

    @Option(names = "--log-dir", required = true, description = "Log directory; formatted on first start, reused afterwards.")
    Path logDir;

    @Option(names = "--cluster-id", required = true, description = "Cluster id written when the log directory is formatted; the same on every node.")
    String clusterId;

    @Option(names = "--port", required = true, description = "Port of the PLAINTEXT (client and inter-broker) listener.")
    int port;

    @Option(names = "--controller-port", required = true, description = "Port of the CONTROLLER listener; must match this node's entry in --voters.")
    int controllerPort;

    @Option(names = "--voters", required = true, description = "controller.quorum.voters, e.g. 1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095.")
    String voters;

    @Option(names = "--broker-property", paramLabel = "KEY=VALUE", description = "Any broker setting, applied last; repeatable.")
    Map<String, String> brokerProperties = new LinkedHashMap<>();

    @Option(names = "--exit-when-stdin-closes", description = "Halt when standard input reaches its end: set by a parent process so that its"
            + " nodes do not outlive it when it dies without stopping them.")
    boolean exitWhenStdinCloses;

    public static void main(String[] args) {
        int exit = new CommandLine(new KafkaNodeMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        if (exitWhenStdinCloses) {
            watchParent(System.in);
        }
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder(logDir.toAbsolutePath())
                .nodeId(nodeId)
                .clusterId(clusterId)
                .port(port)
                .controllerPort(controllerPort)
                .controllerQuorumVoters(voters);
        brokerProperties.forEach(builder::brokerProperty);
        EmbeddedKafkaBroker node = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before start so that a SIGTERM during a slow start still shuts down cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.stop();
            stopped.countDown();
        }, "kafka-node-shutdown"));
        node.start();
        System.out.println(READY_PREFIX + nodeId + " kafka=" + node.bootstrapServers());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * The parent holds the other end of this process's standard input; when the parent dies, even by
     * {@code kill -9}, the pipe closes. Halting then (no shutdown hook, as a crash would) keeps orphaned
     * nodes from holding ports and CPU; the log directory recovers on the next start as after any crash.
     */
    private static void watchParent(InputStream stdin) {
        Thread watcher = new Thread(() -> {
            try {
                while (stdin.read() >= 0) {
                    // The parent never writes; anything it does write is ignored.
                }
            } catch (IOException e) {
                System.err.println("standard input failed, treating the parent as gone: " + e);
            }
            System.err.println("parent process gone (standard input closed): halting node");
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
