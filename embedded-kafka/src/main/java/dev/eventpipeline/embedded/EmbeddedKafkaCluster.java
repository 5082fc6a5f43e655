package dev.eventpipeline.embedded;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster of three (or more) combined broker and controller KRaft nodes on 127.0.0.1, each
 * a child JVM ({@link KafkaNodeMain}) on its own log directory and its own fixed ports. Every node is a
 * voter, so the quorum and every partition (replication factor 3, {@code min.insync.replicas=2}) stay
 * available while any one node is down.
 *
 * <p>Each node can be stopped (controlled shutdown), killed ({@code kill -9}) and started again on its
 * log directory while the others serve. Ports and the cluster id are chosen on the first start in a
 * directory and kept in it, so restarted nodes come back where clients expect them and a new
 * {@code EmbeddedKafkaCluster} on the same directory is the same cluster. Layout of the directory:
 * {@code cluster.properties}, {@code node-<id>/} (log directory), {@code node-<id>.log} (the node's
 * output, appended on every start).
 *
 * <p>Two nodes down is not a state to test with: the quorum then has no majority, no controller
 * answers, and a controlled shutdown of the last node waits in vain (up to {@link Builder#stopTimeout}).
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    /** What the cluster must keep when one node of three is down. */
    public static final int REPLICATION_FACTOR = 3;
    public static final int MIN_IN_SYNC_REPLICAS = 2;

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    // Enough for a controlled shutdown that can still be approved (a second or two, more on a busy
    // machine); beyond it the node is waiting for a controller that is gone.
    private static final Duration CLOSE_GRACE_WITHOUT_MAJORITY = Duration.ofSeconds(10);

    private final Path dir;
    private final ClusterLayout layout;
    private final Map<String, String> brokerProperties;
    private final List<String> jvmOptions;
    private final String classpath;
    private final Duration startupTimeout;
    private final Duration stopTimeout;
    // Read without the monitor by close(), which a shutdown hook may call while start() waits.
    private final AtomicReferenceArray<NodeProcess> nodes;
    private final Object closing = new Object();

    private EmbeddedKafkaCluster(Builder b) {
        if (b.nodes < REPLICATION_FACTOR) {
            throw new IllegalArgumentException("a cluster needs at least " + REPLICATION_FACTOR + " nodes for replication factor "
                    + REPLICATION_FACTOR + ", not " + b.nodes);
        }
        this.dir = b.dir.toAbsolutePath().normalize();
        this.layout = ClusterLayout.loadOrCreate(dir, b.nodes);
        this.brokerProperties = clusterProperties(b.brokerProperties);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.classpath = b.classpath;
        this.startupTimeout = b.startupTimeout;
        this.stopTimeout = b.stopTimeout;
        this.nodes = new AtomicReferenceArray<>(b.nodes);
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Every node's {@code 127.0.0.1:<port>}, running or not: clients find the running ones. */
    public String bootstrapServers() {
        return layout.bootstrapServers();
    }

    /** {@code 127.0.0.1:<port>} of one node. */
    public String bootstrapServers(int node) {
        checkNode(node);
        return ClusterLayout.HOST + ":" + layout.ports(node).client();
    }

    /** Node ids, 1 to the number of nodes. */
    public List<Integer> nodeIds() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= layout.size(); id++) {
            ids.add(id);
        }
        return ids;
    }

    public String clusterId() {
        return layout.clusterId();
    }

    public Path logDir(int node) {
        checkNode(node);
        return dir.resolve("node-" + node);
    }

    /** The node's output (Kafka's log lines), appended on every start. */
    public Path logFile(int node) {
        checkNode(node);
        return dir.resolve("node-" + node + ".log");
    }

    public boolean isRunning(int node) {
        checkNode(node);
        NodeProcess p = nodes.get(node - 1);
        return p != null && p.isAlive();
    }

    /** The process id of a running node (to inspect it, or signal it by other means). */
    public long pid(int node) {
        checkNode(node);
        if (!isRunning(node)) {
            throw new IllegalStateException("Kafka node " + node + " is not running");
        }
        return nodes.get(node - 1).pid();
    }

    /**
     * Starts every node that is not running, all at once (a node's start completes only once a majority
     * of voters is up), and waits until the cluster is healthy: every node registered and every
     * partition fully in sync. Fails with the log of the node that did not come up.
     */
    public synchronized EmbeddedKafkaCluster start() {
        long started = System.nanoTime();
        long deadline = started + startupTimeout.toNanos();
        List<Integer> starting = new ArrayList<>();
        for (int id : nodeIds()) {
            if (!isRunning(id)) {
                nodes.set(id - 1, spawn(id));
                starting.add(id);
            }
        }
        try {
            for (int id : starting) {
                nodes.get(id - 1).awaitReady(deadline);
            }
            awaitHealthy(remaining(deadline));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Kafka cluster {} ready on {} in {} ms (directory {})", clusterId(), bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dir);
        return this;
    }

    /**
     * Starts one node on its log directory and waits until it serves clients (it has caught up with
     * the metadata and is unfenced). Its replicas rejoin the ISR afterwards, as they catch up: wait for
     * that with {@link #awaitInSyncReplicas} or {@link #awaitHealthy}.
     */
    public synchronized void start(int node) {
        checkNode(node);
        if (isRunning(node)) {
            return;
        }
        long started = System.nanoTime();
        NodeProcess p = spawn(node);
        nodes.set(node - 1, p);
        try {
            p.awaitReady(started + startupTimeout.toNanos());
        } catch (RuntimeException e) {
            // A node that is neither ready nor gone would look running to isRunning and to the next start.
            p.kill(KILL_TIMEOUT);
            throw e;
        }
        LOG.info("Kafka node {} started on {} in {} ms", node, bootstrapServers(node),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Stops one node with a controlled shutdown (SIGTERM): its partitions' leadership moves to other
     * nodes and it leaves every ISR at once. If it has not exited within the stop timeout (typically
     * because no controller can approve the shutdown), it is killed and this fails.
     */
    public synchronized void stop(int node) {
        checkNode(node);
        if (!isRunning(node)) {
            return;
        }
        long started = System.nanoTime();
        NodeProcess p = nodes.get(node - 1);
        p.sendTerminate();
        if (!p.waitForExit(stopTimeout)) {
            p.kill(KILL_TIMEOUT);
            throw new IllegalStateException("Kafka node " + node + " did not finish a controlled shutdown within " + stopTimeout
                    + " and was killed (is a majority of the other nodes running?); " + logFile(node) + " ends with:\n" + p.tail());
        }
        LOG.info("Kafka node {} stopped in {} ms", node, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Kills one node with SIGKILL, as a crash or {@code kill -9} would: nothing is flushed and it does
     * not deregister. The controller fences it after {@code broker.session.timeout.ms} (Kafka's
     * default, 9 s) without heartbeats; until then partitions it leads are unavailable and writes to
     * partitions that have it in their ISR wait.
     */
    public synchronized void kill(int node) {
        checkNode(node);
        if (!isRunning(node)) {
            return;
        }
        nodes.get(node - 1).kill(KILL_TIMEOUT);
        LOG.info("Kafka node {} killed", node);
    }

    /**
     * Stops every running node at once, so that the controllers outlive the brokers' controlled
     * shutdowns. With every node running that takes a few seconds; a node still hanging after the stop
     * timeout is killed. When a node was already down, the survivors may lose their majority while
     * shutting down (the first to finish takes its vote with it) and the last would wait for an
     * approval that cannot come: they get a short grace and are then killed, which their log
     * directories recover from on the next start.
     */
    @Override
    public void close() {
        synchronized (closing) {
            closeNodes();
        }
    }

    private void closeNodes() {
        List<Integer> stopping = new ArrayList<>();
        for (int id : nodeIds()) {
            if (isRunning(id)) {
                nodes.get(id - 1).sendTerminate();
                stopping.add(id);
            }
        }
        if (stopping.isEmpty()) {
            return;
        }
        boolean majorityAssured = stopping.size() == layout.size();
        Duration grace = majorityAssured ? stopTimeout : CLOSE_GRACE_WITHOUT_MAJORITY;
        long deadline = System.nanoTime() + grace.toNanos();
        for (int id : stopping) {
            NodeProcess p = nodes.get(id - 1);
            if (!p.waitForExit(remaining(deadline))) {
                if (majorityAssured) {
                    LOG.warn("Kafka node {} did not stop within {}; killing it", id, grace);
                } else {
                    LOG.info("Kafka node {} still shutting down after {} with too few voters left to approve it; killing it", id, grace);
                }
                p.kill(KILL_TIMEOUT);
            }
        }
        LOG.info("Kafka cluster {} on {} stopped", clusterId(), bootstrapServers());
    }

    /**
     * The node that leads a partition now, as the cluster's metadata says; -1 when it has no leader.
     */
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
            Node leader = d.partitions().get(partition).leader();
            return leader == null ? -1 : leader.id();
        }
    }

    /** The node that is the active controller (leader of the metadata quorum) now. */
    public int activeController() {
        try (Admin admin = admin()) {
            return get(admin.describeMetadataQuorum().quorumInfo()).leaderId();
        }
    }

    /**
     * Waits until every partition of {@code topic} has a leader and exactly {@code size} in-sync
     * replicas: 2 once a stopped node has left them, 3 once a restarted one has caught up.
     */
    public void awaitInSyncReplicas(String topic, int size, Duration timeout) {
        awaitPartitions(Set.of(topic), p -> p.leader() != null && p.isr().size() == size,
                "every partition of " + topic + " led and with " + size + " in-sync replicas", System.nanoTime() + timeout.toNanos());
    }

    /**
     * Waits until the cluster is as healthy as a freshly started one: every node running and
     * registered with the controller (unfenced), and every partition of every topic (internal ones
     * included) led and with all its replicas in sync. Call it after restarting a node, before the
     * next fault.
     */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int id : nodeIds()) {
            if (!isRunning(id)) {
                throw new IllegalStateException("Kafka node " + id + " is not running: the cluster cannot become healthy");
            }
        }
        Set<Integer> expected = new TreeSet<>(nodeIds());
        pollUntil(deadline, "every node registered and unfenced", admin -> {
            Set<Integer> alive = get(admin.describeCluster().nodes()).stream()
                    .map(Node::id).collect(Collectors.toCollection(TreeSet::new));
            return alive.equals(expected) ? null : "brokers " + alive + " are registered";
        });
        Set<String> topics;
        try (Admin admin = admin()) {
            topics = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
        }
        awaitPartitions(topics, p -> p.leader() != null && p.isr().size() == p.replicas().size(),
                "every partition led and fully in sync", deadline);
    }

    private void awaitPartitions(Set<String> topics, Predicate<TopicPartitionInfo> ok, String what, long deadline) {
        pollUntil(deadline, what, admin -> {
            Map<String, TopicDescription> described = get(admin.describeTopics(topics).allTopicNames());
            List<String> failing = new ArrayList<>();
            described.forEach((name, d) -> d.partitions().stream().filter(ok.negate()).forEach(p -> failing.add(
                    name + "-" + p.partition() + " (leader " + (p.leader() == null ? "none" : p.leader().id())
                    + ", replicas " + ids(p.replicas()) + ", isr " + ids(p.isr()) + ")")));
            return failing.isEmpty() ? null : "not yet: " + String.join(", ", failing);
        });
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toList());
    }

    /**
     * Asks {@code problem} until it answers null (all is well) or the deadline passes; it answers what
     * is still wrong, which the failure then names. Bounded polling: Kafka has no way to be told when
     * an ISR changes, short of reading its metadata log.
     */
    private void pollUntil(long deadline, String what, Function<Admin, String> problem) {
        String lastProblem = "no answer";
        RuntimeException lastError = null;
        try (Admin admin = admin()) {
            while (true) {
                try {
                    String p = problem.apply(admin);
                    if (p == null) {
                        return;
                    }
                    lastProblem = p;
                    lastError = null;
                } catch (RuntimeException e) {
                    lastError = e;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Kafka cluster on " + bootstrapServers() + ": not " + what + " in time; "
                            + (lastError != null ? "last attempt failed: " + lastError.getMessage() : lastProblem), lastError);
                }
                try {
                    // The interval between two looks at the metadata; the loop re-checks, it does not wait for a guess.
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + what, e);
                }
            }
        }
    }

    private NodeProcess spawn(int node) {
        ClusterLayout.Ports ports = layout.ports(node);
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(KafkaNodeMain.class.getName());
        command.addAll(List.of(
                "--node-id", Integer.toString(node),
                "--log-dir", logDir(node).toString(),
                "--cluster-id", layout.clusterId(),
                "--port", Integer.toString(ports.client()),
                "--controller-port", Integer.toString(ports.controller()),
                "--voters", layout.quorumVoters(),
                "--exit-when-stdin-closes"));
        brokerProperties.forEach((k, v) -> command.addAll(List.of("--broker-property", k + "=" + v)));
        LOG.debug("starting Kafka node {}: {}", node, command);
        return NodeProcess.start(node, command, logFile(node));
    }

    /** The settings that make three nodes one fault-tolerant cluster; the builder's own come last. */
    private static Map<String, String> clusterProperties(Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        // Every partition on all three nodes and every acks=all write on at least two: any one node may
        // be down (stopped, killed, restarting) without refusing a write or losing an acknowledged one.
        p.put("default.replication.factor", Integer.toString(REPLICATION_FACTOR));
        p.put("min.insync.replicas", Integer.toString(MIN_IN_SYNC_REPLICAS));
        p.put("offsets.topic.replication.factor", Integer.toString(REPLICATION_FACTOR));
        p.put("transaction.state.log.replication.factor", Integer.toString(REPLICATION_FACTOR));
        p.put("transaction.state.log.min.isr", Integer.toString(MIN_IN_SYNC_REPLICAS));
        p.put("share.coordinator.state.topic.replication.factor", Integer.toString(REPLICATION_FACTOR));
        p.put("share.coordinator.state.topic.min.isr", Integer.toString(MIN_IN_SYNC_REPLICAS));
        // Three partitions are the fewest that give every node a group and a transaction coordinator to
        // lose, so stopping any node moves one; the default 50 only slow the first start.
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.num.partitions", "3");
        p.putAll(overrides);
        return p;
    }

    private Admin admin() {
        Map<String, Object> conf = new HashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        // Short requests so that a poll against a node that just died fails over to another quickly;
        // each answer is awaited for ANSWER_TIMEOUT at most, and the polls retry.
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER_TIMEOUT.toMillis());
        return Admin.create(conf);
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + ANSWER_TIMEOUT, e);
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private void checkNode(int node) {
        if (node < 1 || node > layout.size()) {
            throw new IllegalArgumentException("no Kafka node " + node + "; nodes are 1 to " + layout.size());
        }
    }

    /** Options of an {@link EmbeddedKafkaCluster}. */
    public static final class Builder {
        private final Path dir;
        private int nodes = 3;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of(
                // Small heaps: three brokers share the machine with the tests and the services under test.
                "-Xmx384m",
                // One GC thread instead of one per core: the brokers' heaps are small and the cores are shared.
                "-XX:+UseSerialGC",
                // C1 only: a node is ready sooner and the C2 compiler threads do not compete for the cores
                // during a test; peak broker throughput is not what these nodes are for.
                "-XX:TieredStopAtLevel=1"));
        private String classpath = System.getProperty("java.class.path");
        // Three JVMs starting at once on a loaded two-core machine; one alone is ready in a few seconds.
        private Duration startupTimeout = Duration.ofSeconds(120);
        // A controlled shutdown takes a second or two while a majority of voters is up.
        private Duration stopTimeout = Duration.ofSeconds(60);

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Number of nodes, each a broker and a voter; 3 (the default) or more. */
        public Builder nodes(int nodes) {
            this.nodes = nodes;
            return this;
        }

        /** Any broker setting for every node, applied after the cluster's own. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /** Replaces the nodes' JVM options (default {@code -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}). */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /** The classpath of the nodes' JVMs; by default this JVM's (which must hold embedded-kafka and Kafka's server). */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        public EmbeddedKafkaCluster build() {
            return new EmbeddedKafkaCluster(this);
        }
    }
}
