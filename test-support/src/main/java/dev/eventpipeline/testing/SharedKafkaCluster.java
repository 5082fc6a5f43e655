package dev.eventpipeline.testing;

import dev.eventpipeline.embedded.EmbeddedKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three-node cluster that the fault tests of one JVM share ({@link EmbeddedKafkaCluster}: each node
 * a child JVM that can be stopped, killed and restarted), started on first use and closed when the JVM
 * exits. Tests that need no fault use {@link SharedKafka}'s single broker: it starts in a few seconds,
 * this one in tens.
 *
 * <p>Every call hands out a healthy cluster: nodes a previous test left stopped or killed are started
 * again and every partition is fully in sync before it returns, so call it in {@code @BeforeEach} and
 * fault nodes freely. Tests still isolate themselves by topic names ({@link TestTopics#uniquePrefix}).
 * {@code KAFKA_BOOTSTRAP_SERVERS} does not apply here: a test cannot stop a node of an external cluster.
 */
public final class SharedKafkaCluster {

    private static final Logger LOG = LoggerFactory.getLogger(SharedKafkaCluster.class);

    // A restarted node catches up on everything written while it was down; on a loaded two-core
    // machine that, and rejoining every ISR, can take tens of seconds.
    private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(120);

    private static EmbeddedKafkaCluster cluster;

    private SharedKafkaCluster() {}

    /** The cluster, every node running and every partition fully replicated. */
    public static synchronized EmbeddedKafkaCluster get() {
        if (cluster == null) {
            Path dir = tempDir();
            EmbeddedKafkaCluster started = EmbeddedKafkaCluster.builder(dir).build();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                delete(dir);
            }, "shared-kafka-cluster-stop"));
            cluster = started.start();
            return cluster;
        }
        cluster.nodeIds().forEach(cluster::start);
        cluster.awaitHealthy(HEALTHY_TIMEOUT);
        return cluster;
    }

    /** Every node's {@code 127.0.0.1:<port>}; see {@link #get()}. */
    public static String bootstrapServers() {
        return get().bootstrapServers();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("shared-kafka-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Three brokers' logs are worth removing; a failure only leaves a temporary directory behind. */
    private static void delete(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete the shared cluster's directory {}: {}", dir, e.toString());
        }
    }
}
